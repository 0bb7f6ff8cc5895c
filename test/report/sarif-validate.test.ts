import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import { formatSarif } from '../../src/report/sarif.js';
import { contextFor, fixtures } from './fixtures.js';
import { prevalidateSarif, validateSarif } from './sarif-validate.js';

const SLOW = 120_000;

/** A valid log from the formatter, to break one thing at a time. */
function validLog(): Sarif.Log {
  return JSON.parse(formatSarif(fixtures.mixed, contextFor('mixed', 'sarif'))) as Sarif.Log;
}

function firstRun(log: Sarif.Log): Sarif.Run {
  return log.runs[0]!;
}

describe('validateSarif', () => {
  it('accepts the text as written and the parsed document alike', () => {
    const log = validLog();
    expect(validateSarif(log).warnings).toEqual([]);
    expect(validateSarif(JSON.stringify(log)).warnings).toEqual([]);
  }, SLOW);

  it('rejects a result without a physical location, as GitHub does', () => {
    const log = validLog();
    delete firstRun(log).results![0]!.locations;
    expect(() => validateSarif(log)).toThrow(/results\[0\] \(parse-error\) has no physical location/);
  }, SLOW);

  it('rejects what only sarif-multitool checks (a rule without the descriptions GitHub requires), also after one run for several logs', () => {
    const bad = validLog();
    delete firstRun(bad).tool.driver.rules![2]!.shortDescription;
    const good = JSON.stringify(validLog(), null, 1);
    // One run of the multitool for both: the log that passes is remembered, the one that fails is checked again.
    prevalidateSarif([JSON.stringify(bad, null, 2), good]);
    expect(validateSarif(good).warnings).toEqual([]);
    expect(() => validateSarif(bad)).toThrow(
      /GH\d+: runs\[0\]\.tool\.driver\.rules\[2\]: This 'reportingDescriptor' object does not provide a 'shortDescription' value/,
    );
  }, SLOW);

  it('rejects what the SARIF 2.1.0 schema forbids', () => {
    const log = validLog() as unknown as { version: string; runs: { results: { level: string }[] }[] };
    log.version = '2.0.0';
    log.runs[0]!.results[0]!.level = 'fatal';
    expect(() => validateSarif(log)).toThrow(/schema: \/version must be equal to one of the allowed values[\s\S]*schema: \/runs\/0\/results\/0\/level/);
  }, SLOW);

  it('rejects a start line below 1', () => {
    const log = validLog();
    firstRun(log).results![0]!.locations![0]!.physicalLocation!.region!.startLine = 0;
    expect(() => validateSarif(log)).toThrow(/has no region.startLine >= 1/);
  }, SLOW);

  it('rejects an end column before the start column on one line', () => {
    const log = validLog();
    const region = firstRun(log).results![0]!.locations![0]!.physicalLocation!.region!;
    Object.assign(region, { startColumn: 12, endLine: region.startLine, endColumn: 4 });
    expect(() => validateSarif(log)).toThrow(/endColumn 4 before startColumn 12/);
  }, SLOW);

  it('rejects an automation id without a trailing slash', () => {
    const log = validLog();
    firstRun(log).automationDetails = { id: 'kcheck/prod-eu' };
    expect(() => validateSarif(log)).toThrow(/automationDetails.id "kcheck\/prod-eu" does not end with "\/"/);
  }, SLOW);

  it('rejects rules with a security-severity or without markdown help', () => {
    const log = validLog();
    const [first, second] = firstRun(log).tool.driver.rules!;
    first!.properties = { ...first!.properties, 'security-severity': '7.5' };
    delete second!.help;
    expect(() => validateSarif(log)).toThrow(new RegExp(`rules\\[0\\] \\(${first!.id}\\) has a security-severity[\\s\\S]*rules\\[1\\] \\(${second!.id}\\) has no help.markdown`));
  }, SLOW);

  it('rejects a result whose ruleIndex points at another rule', () => {
    const log = validLog();
    firstRun(log).results![0]!.ruleIndex = 1;
    expect(() => validateSarif(log)).toThrow(/ruleIndex 1, which is not rule parse-error/);
  }, SLOW);

  it('rejects more results than GitHub takes in one run', () => {
    const log = validLog();
    const run = firstRun(log);
    const [result] = run.results!;
    run.results = Array.from({ length: 25_001 }, () => result!);
    expect(() => validateSarif(log)).toThrow(/25001 results; GitHub takes at most 25000/);
  }, SLOW);
});

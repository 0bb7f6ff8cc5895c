import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatJunit } from '../../src/report/junit.js';
import { context, finding, fixtures, runResult } from './fixtures.js';
import { demoContext } from './demo-scan.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kcheck-junit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const schema = new URL('./junit.xsd', import.meta.url).pathname;
let written = 0;

function save(xml: string): string {
  const file = path.join(dir, `report-${(written += 1)}.xml`);
  writeFileSync(file, xml);
  return file;
}

/** xmllint (Debian's libxml2-utils): well-formed, and valid against the JUnit schema CI systems read. */
function validate(xml: string): string {
  const file = save(xml);
  const run = spawnSync('xmllint', ['--noout', '--schema', schema, file], { encoding: 'utf8' });
  if (run.error) throw new Error(`xmllint could not run (apt-get install libxml2-utils): ${run.error.message}`);
  expect(run.stderr.trim(), run.stderr).toBe(`${file} validates`);
  expect(run.status).toBe(0);
  return file;
}

function xpath(file: string, expression: string): string {
  const run = spawnSync('xmllint', ['--xpath', expression, file], { encoding: 'utf8' });
  return run.stdout.trim();
}

/** Every count attribute matches the elements it counts. */
function expectConsistentCounts(file: string): void {
  const suites = Number(xpath(file, 'count(/testsuites/testsuite)'));
  for (let i = 1; i <= suites; i += 1) {
    const suite = `/testsuites/testsuite[${i}]`;
    expect(xpath(file, `string(${suite}/@tests)`)).toBe(xpath(file, `count(${suite}/testcase)`));
    expect(xpath(file, `string(${suite}/@failures)`)).toBe(xpath(file, `count(${suite}/testcase[failure])`));
    expect(xpath(file, `string(${suite}/@errors)`)).toBe(xpath(file, `count(${suite}/testcase[error])`));
    expect(xpath(file, `string(${suite}/@skipped)`)).toBe(xpath(file, `count(${suite}/testcase[skipped])`));
  }
  expect(xpath(file, 'string(/testsuites/@tests)')).toBe(xpath(file, 'count(//testcase)'));
  expect(xpath(file, 'string(/testsuites/@failures)')).toBe(xpath(file, 'count(//testcase[failure])'));
}

describe('junit format', () => {
  it('is valid JUnit XML with counts that add up', () => {
    for (const result of Object.values(fixtures)) {
      const file = validate(formatJunit(result, context()));
      expectConsistentCounts(file);
    }
  });

  it('has one test case per rule and object, failing with each finding about it', () => {
    const file = validate(formatJunit(fixtures.mixed, context()));
    const kubelet = "/testsuites/testsuite[@name='kubelet-version-skew']";
    expect(xpath(file, `count(${kubelet}/testcase)`)).toBe('4');
    expect(xpath(file, `string(${kubelet}/testcase[@name='Node worker-2']/@file)`)).toBe('fixtures/demo/nodes.yaml');
    expect(xpath(file, `string(${kubelet}/testcase[@name='Node worker-2']/failure/@type)`)).toBe('error');
    expect(xpath(file, `string(${kubelet}/testcase[@name='Node worker-2']/failure)`)).toContain('at fixtures/demo/nodes.yaml:9:3');
    expect(xpath(file, `string(${kubelet}/testcase[@name='Node ip-10-0-3-17.eu-west-1.compute.internal (cluster prod-eu)']/@classname)`)).toBe(
      'kcheck.kubelet-version-skew',
    );

    const twice = runResult({
      findings: [
        finding({ ruleId: 'kubelet-version-skew', message: 'first', object: { kind: 'Node', name: 'n1' } }),
        finding({ ruleId: 'kubelet-version-skew', message: 'second', object: { kind: 'Node', name: 'n1' } }),
      ],
    });
    const same = validate(formatJunit(twice, context()));
    expect(xpath(same, "count(//testsuite[@name='kubelet-version-skew']/testcase)")).toBe('1');
    expect(xpath(same, "count(//testcase[@name='Node n1']/failure)")).toBe('2');
  });

  it('skips suppressed findings and skipped rules, with the reason', () => {
    const file = validate(formatJunit(fixtures.mixed, context()));
    expect(xpath(file, "string(//testcase[@name='Node legacy-gpu-1']/skipped/@message)")).toBe(
      'suppressed: GPU driver pinned until the Q3 hardware refresh',
    );
    expect(xpath(file, "string(//testsuite[@name='upgrade-skips-minor']/testcase/skipped/@message)")).toBe(
      'skipped: needs an upgrade target (--target X.Y)',
    );
  });

  it('passes rules that found nothing, and leaves out rules that did not run', () => {
    const file = validate(formatJunit(fixtures.files, context({ enabledRules: ['kubelet-version-skew', 'release-data-outdated', 'parse-error'] })));
    expect(xpath(file, "count(//testcase[@name='release-data-outdated: no findings'][not(*)])")).toBe('1');
    expect(xpath(file, "count(//testsuite[@name='kubectl-version-skew'])")).toBe('0');
    // Upgrade rules need a target; without one they are not applicable.
    const noTarget = validate(formatJunit(fixtures.clean, context()));
    expect(xpath(noTarget, "count(//testsuite[@name='upgrade-skips-minor'])")).toBe('1');
    const withoutSkip = validate(formatJunit(runResult({}), context()));
    expect(xpath(withoutSkip, "count(//testsuite[@name='upgrade-skips-minor'])")).toBe('0');
  });

  it('errors the scan test case when the scan is incomplete', () => {
    const file = validate(formatJunit(fixtures.incompleteClean, context()));
    expect(xpath(file, "count(//testcase[@classname='kcheck.scan']/error)")).toBe('2');
    expect(xpath(file, 'string(/testsuites/@errors)')).toBe('1');
  });

  it('escapes markup and writes characters XML cannot carry as visible escapes', () => {
    const result = runResult({
      findings: [finding({ ruleId: 'parse-error', message: 'a <b> & "c"\u0007 \'d\'', location: { file: 'x&y.yaml', line: 1, column: 1 } })],
    });
    const file = validate(formatJunit(result, context()));
    expect(xpath(file, 'string(//failure/@message)')).toBe('a <b> & "c"\\x07 \'d\'');
    expect(xpath(file, 'string(//testcase[failure]/@file)')).toBe('x&y.yaml');
  });

  it('turns the demo cluster into a valid report with a failure for every finding', async () => {
    const { scan, context: demo } = await demoContext('junit');
    const file = validate(formatJunit(scan.result, demo));
    expectConsistentCounts(file);
    const open = scan.result.findings.filter((f) => !f.suppressed);
    expect(Number(xpath(file, 'count(//failure)'))).toBe(open.length);
  });
});

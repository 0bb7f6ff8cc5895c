import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatJunit } from '../../src/report/junit.js';
import { CLUSTER, context, contextFor, finding, fixtures, runResult, type FixtureName } from './fixtures.js';
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

/** Many XPath values of one file from one xmllint (its --shell), in order: a process per value is slow on a busy machine. */
function xpaths(file: string, expressions: string[]): string[] {
  const run = spawnSync('xmllint', ['--shell', file], { encoding: 'utf8', input: expressions.map((e) => `xpath ${e}\n`).join('') });
  const values = [...run.stdout.matchAll(/Object is an? (?:number|string|boolean) : ?(.*)$/gm)].map((m) => m[1]!.trim());
  expect(values, run.stdout + run.stderr).toHaveLength(expressions.length);
  return values;
}

/** Every count attribute matches the elements it counts. */
function expectConsistentCounts(file: string): void {
  const [suites] = xpaths(file, ['count(/testsuites/testsuite)']);
  const pairs: [string, string][] = [];
  for (let i = 1; i <= Number(suites); i += 1) {
    const suite = `/testsuites/testsuite[${i}]`;
    pairs.push([`string(${suite}/@tests)`, `count(${suite}/testcase)`]);
    pairs.push([`string(${suite}/@failures)`, `count(${suite}/testcase[failure])`]);
    pairs.push([`string(${suite}/@errors)`, `count(${suite}/testcase[error])`]);
    pairs.push([`string(${suite}/@skipped)`, `count(${suite}/testcase[skipped])`]);
  }
  pairs.push(['string(/testsuites/@tests)', 'count(//testcase)']);
  pairs.push(['string(/testsuites/@failures)', 'count(//testcase[failure])']);
  const values = xpaths(file, pairs.flat());
  const said = pairs.map(([attribute], i) => `${attribute} = ${values[2 * i]}`);
  const counted = pairs.map(([attribute], i) => `${attribute} = ${values[2 * i + 1]}`);
  expect(said).toEqual(counted);
}

describe('junit format', () => {
  it('is valid JUnit XML with counts that add up', () => {
    for (const name of Object.keys(fixtures) as FixtureName[]) {
      const file = validate(formatJunit(fixtures[name], contextFor(name, 'junit')));
      expectConsistentCounts(file);
    }
  });

  it('has one test case per rule and object, failing with each finding about it', async () => {
    const file = validate(formatJunit(fixtures.files, contextFor('files', 'junit')));
    const kubelet = "/testsuites/testsuite[@name='kubelet-version-skew']";
    expect(xpath(file, `count(${kubelet}/testcase)`)).toBe('2');
    expect(xpath(file, `string(${kubelet}/testcase[@name='Node controlplane']/@file)`)).toBe('fixtures/demo/cluster/nodes.yaml');
    expect(xpath(file, `string(${kubelet}/testcase[@name='Node controlplane']/failure/@type)`)).toBe('error');
    expect(xpath(file, `string(${kubelet}/testcase[@name='Node controlplane']/failure)`)).toContain('at fixtures/demo/cluster/nodes.yaml:5:3');

    const mixed = validate(formatJunit(fixtures.mixed, contextFor('mixed', 'junit')));
    const live = `//testsuite[@name='control-plane-version-skew']/testcase[@name='Pod kube-system/kube-controller-manager-cp-1 (cluster ${CLUSTER})']`;
    expect(xpath(mixed, `string(${live}/@classname)`)).toBe('kcheck.control-plane-version-skew');
    expect(xpath(mixed, `count(${live}/@file)`)).toBe('0');

    // The demo reports kube-proxy on node01 twice: against its kubelet and against kube-apiserver.
    const { scan, context: demo } = await demoContext('junit');
    const twice = validate(formatJunit(scan.result, demo));
    expect(xpath(twice, "count(//testsuite[@name='kube-proxy-version-skew']/testcase[@name='Node node01'])")).toBe('1');
    expect(xpath(twice, "count(//testsuite[@name='kube-proxy-version-skew']/testcase[@name='Node node01']/failure)")).toBe('2');
  });

  it('skips suppressed findings and skipped rules, with the reason', () => {
    const file = validate(formatJunit(fixtures.mixed, contextFor('mixed', 'junit')));
    expect(xpath(file, `string(//testsuite[@name='kubelet-version-skew']/testcase[@name='Node worker-1 (cluster ${CLUSTER})']/skipped/@message)`)).toBe(
      'suppressed: GPU driver pins 1.29 until CHG-4821 (2026-12-05); drained and cordoned',
    );
    expect(xpath(file, `string(//testsuite[@name='unsupported-version']/testcase[@name='Node worker-1 (cluster ${CLUSTER})']/skipped/@message)`)).toBe(
      'suppressed: worker-1 is replaced in the Q1 hardware refresh',
    );
    expect(xpath(file, "string(//testsuite[@name='etcd-backup-stale']/testcase/skipped/@message)")).toBe(
      'skipped: no backup location given (--backups DIR, or backups: in the config)',
    );
  });

  it('passes rules that found nothing, and leaves out rules that did not run', () => {
    const enabledRules = ['kubelet-version-skew', 'release-data-outdated', 'parse-error'];
    const file = validate(formatJunit(fixtures.files, { ...contextFor('files', 'junit'), enabledRules }));
    expect(xpath(file, "count(//testcase[@name='release-data-outdated: no findings'][not(*)])")).toBe('1');
    expect(xpath(file, "count(//testsuite[@name='kubectl-version-skew'])")).toBe('0');
    // Upgrade rules need a target; without one they are not applicable.
    const noTarget = validate(formatJunit(fixtures.clean, contextFor('clean', 'junit')));
    expect(xpath(noTarget, "count(//testsuite[@name='upgrade-skips-minor'])")).toBe('0');
    const withTarget = validate(formatJunit(fixtures.documented, contextFor('documented', 'junit')));
    expect(xpath(withTarget, "count(//testcase[@name='upgrade-skips-minor: no findings'])")).toBe('1');
  });

  it('errors the scan test case when the scan is incomplete', () => {
    const file = validate(formatJunit(fixtures.incompleteClean, contextFor('incompleteClean', 'junit')));
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

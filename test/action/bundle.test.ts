import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_SUMMARY_MAX_BYTES } from '../../src/report/markdown.js';
import { validateSarif } from '../report/sarif-validate.js';
import { annotations, demoWorkspace, node24, runStep, type StepRun } from './action-run.js';

const root = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(path.join(tmpdir(), 'kcheck-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dist/index.js', () => {
  it('is the bundle of the current sources (npm run bundle rebuilds it)', () => {
    const fresh = path.join(dir, 'fresh', 'index.js');
    const run = spawnSync(process.execPath, [path.join(root, 'scripts/bundle.mjs'), '--outfile', fresh], { cwd: root, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const same = readFileSync(fresh).equals(readFileSync(path.join(root, 'dist/index.js')));
    expect(same, 'dist/index.js is stale: run npm run bundle and commit dist/').toBe(true);
  }, 120_000);

  it('names node24 and the bundle in action.yml', () => {
    const action = readFileSync(path.join(root, 'action.yml'), 'utf8');
    expect(action).toMatch(/^runs:\n {2}using: node24\n {2}main: dist\/index\.js$/m);
  });
});

describe('the bundled Action on Node 24', () => {
  let node = '';
  let ws = '';
  const demo = { paths: 'cluster', root: 'node-root', config: 'kcheck.yaml' };
  let failing: StepRun;

  beforeAll(() => {
    node = node24();
    ws = demoWorkspace(dir);
    failing = runStep(node, ws, { ...demo, 'fail-on': 'error', 'sarif-file': 'reports/kcheck.sarif' }, dir);
  }, 180_000);

  it('runs on Node 24', () => {
    const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
    expect(version).toMatch(/^v24\./);
  });

  it('fails the step when findings reach fail-on, after writing outputs, summary and SARIF', () => {
    expect(failing.code, failing.stderr).toBe(1);
    expect(failing.outputs['sarif-file']).toBe('reports/kcheck.sarif');
    expect(Number(failing.outputs['errors'])).toBeGreaterThan(0);
    expect(Number(failing.outputs['findings'])).toBeGreaterThanOrEqual(Number(failing.outputs['errors']) + Number(failing.outputs['warnings']));
    expect(failing.summary).toMatch(/^## kcheck: \d+ errors, \d+ warnings, \d+ info\n/);
    expect(Buffer.byteLength(failing.summary)).toBeLessThanOrEqual(JOB_SUMMARY_MAX_BYTES);
    const failed = annotations(failing.stdout).filter((a) => a.message.startsWith('kcheck: '));
    expect(failed).toEqual([{ level: 'error', properties: '', message: `kcheck: ${failing.outputs['errors']} findings at or above fail-on (error); the job summary lists them` }]);
  });

  it('annotates findings with their file in the workspace', () => {
    const lines = annotations(failing.stdout);
    expect(lines.filter((a) => a.level === 'error' && a.properties !== '')).toHaveLength(10);
    expect(lines[0]?.properties).toBe('file=cluster/broken.yaml,line=13,col=9,title=kcheck parse-error');
  });

  it('writes SARIF that GitHub code scanning accepts, with workspace-relative files', () => {
    const text = readFileSync(path.join(ws, 'reports/kcheck.sarif'), 'utf8');
    validateSarif(text);
    const uris = new Set((JSON.parse(text) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] }).runs[0]!.results.map(
      (r) => r.locations[0]!.physicalLocation.artifactLocation.uri,
    ));
    expect([...uris].every((uri) => /^(cluster|node-root)\/|^kcheck\.yaml$/.test(uri))).toBe(true);
  });

  it('passes with fail-on never, and fails on warnings with fail-on warning', () => {
    const never = runStep(node, ws, { ...demo, 'fail-on': 'never' }, dir);
    expect(never.code, never.stderr).toBe(0);
    expect(never.outputs['sarif-file']).toBe('kcheck.sarif');
    // etcd's manifest alone, with the demo's target: a warning (etcd older than kubeadm ships for 1.33), no error.
    const etcd = { paths: 'node-root/etc/kubernetes/manifests/etcd.yaml', config: 'kcheck.yaml' };
    const clean = runStep(node, ws, { ...etcd, 'fail-on': 'error' }, dir);
    expect(clean.outputs).toMatchObject({ errors: '0', warnings: '1' });
    expect(clean.code, clean.stdout).toBe(0);
    const warned = runStep(node, ws, { ...etcd, 'fail-on': 'warning' }, dir);
    expect(warned.code).toBe(1);
    expect(warned.stdout).toContain('::error::kcheck: 1 finding at or above fail-on (warning)');
  }, 120_000);

  it('fails with exit code 2 and one clear message when it cannot check', () => {
    const bad = runStep(node, ws, { ...demo, 'fail-on': 'sometimes' }, dir);
    expect(bad.code).toBe(2);
    expect(annotations(bad.stdout)).toEqual([
      { level: 'error', properties: '', message: 'kcheck: --fail-on: "sometimes" is not one of error, warning, info, never' },
    ]);
    // Nothing to read: no files, and no kubeconfig on the runner.
    const nothing = runStep(node, ws, {}, dir);
    expect(nothing.code).toBe(2);
    expect(annotations(nothing.stdout).map((a) => a.message)).toEqual([expect.stringMatching(/^kcheck: no kubeconfig found/)]);
  }, 120_000);
});

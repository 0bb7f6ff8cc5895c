import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainGate } from '../../src/action/drain-gate.js';
import { readInputs, shellWords } from '../../src/action/inputs.js';
import { parseDrainFlags } from '../../src/cli/commands/drain.js';
import { UsageError } from '../../src/engine/errors.js';
import { annotations, demoWorkspace, node24, runStep, type StepRun } from './action-run.js';

const root = new URL('../..', import.meta.url).pathname;
const getter = (values: Record<string, string>) => (name: string): string => values[name] ?? '';

describe('drain-flags as a shell splits them', () => {
  it('splits on spaces and line breaks, keeps quoted spaces and escaped characters', () => {
    expect(shellWords('')).toEqual([]);
    expect(shellWords('  --ignore-daemonsets\n--timeout=5m  ')).toEqual(['--ignore-daemonsets', '--timeout=5m']);
    expect(shellWords(`--pod-selector 'app in (a, b)' -l "role=web tier"`)).toEqual(['--pod-selector', 'app in (a, b)', '-l', 'role=web tier']);
    expect(shellWords('a\\ b "x\\"y" \'\'')).toEqual(['a b', 'x"y', '']);
  });

  it('refuses a quote left open, naming the input', () => {
    expect(() => shellWords("--pod-selector 'app=a")).toThrow(new UsageError("drain-flags: a single quote is not closed: --pod-selector 'app=a"));
  });
});

describe('drain-flags as kubectl drain takes them', () => {
  it('reads the flags kcheck models, in both spellings', () => {
    expect(parseDrainFlags(['--ignore-daemonsets', '--delete-emptydir-data', '--timeout=5m', '--grace-period', '30', '--pod-selector=app=web'])).toEqual({
      flags: { ignoreDaemonsets: true, deleteEmptydirData: true, force: false, disableEviction: false, gracePeriodSeconds: 30, timeoutSeconds: 300, podSelector: 'app=web' },
    });
    expect(parseDrainFlags(['-l', 'role=worker']).selector).toBe('role=worker');
  });

  it('refuses a flag kubectl drain does not have, and one kcheck does not model', () => {
    expect(() => parseDrainFlags(['--wait-forever'])).toThrow(/^drain-flags: unknown option '--wait-forever'/);
    expect(() => parseDrainFlags(['--delete-local-data'])).toThrow(/does not model --delete-local-data: kubectl removed it/);
    expect(() => parseDrainFlags(['--timeout=soon'])).toThrow(/--timeout: "soon" is not a duration/);
  });

  it('needs nodes or a selector, never both, as kubectl does', () => {
    expect(drainGate(readInputs(getter({})))).toBeUndefined();
    expect(drainGate(readInputs(getter({ drain: 'node01\nnode02\n', 'drain-flags': '--force' })))).toMatchObject({ nodes: ['node01', 'node02'], flags: { force: true } });
    expect(() => drainGate(readInputs(getter({ drain: 'node01', 'drain-flags': '-l role=worker' })))).toThrow(/cannot specify both a node name and a --selector/);
    expect(() => drainGate(readInputs(getter({ 'drain-flags': '--force' })))).toThrow(/no node is: list the nodes in drain/);
  });
});

describe('the bundled Action gating on a drain (Node 24)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kcheck-drain-gate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const demo = { paths: 'cluster', root: 'node-root', config: 'kcheck.yaml', 'fail-on': 'never' };
  let node = '';
  let ws = '';
  let stops: StepRun;
  let hangs: StepRun;
  let completes: StepRun;

  beforeAll(() => {
    node = node24();
    ws = demoWorkspace(dir);
    const fixture = path.join(ws, 'webhook');
    mkdirSync(fixture);
    cpSync(path.join(root, 'fixtures/rules/drain-breaks-webhook/fail-only-replica-on-one-node.yaml'), path.join(fixture, 'cluster.yaml'));
    stops = runStep(node, ws, { ...demo, drain: 'node01' }, dir);
    hangs = runStep(node, ws, { ...demo, drain: 'node01', 'drain-flags': '--ignore-daemonsets --delete-emptydir-data --force' }, dir);
    completes = runStep(node, ws, { paths: 'webhook', config: '/dev/null', 'fail-on': 'never', drain: 'node01' }, dir);
  }, 240_000);

  it('fails with 1 when kubectl drain would stop, and says why', () => {
    expect(stops.code, stops.stderr).toBe(1);
    expect(stops.outputs['drain-outcome']).toBe('stops');
    expect(stops.outputs['drain-exit-code']).toBe('1');
    const failed = annotations(stops.stdout).filter((a) => a.message.startsWith('kcheck: '));
    expect(failed).toHaveLength(1);
    expect(failed[0]!.message).toMatch(/^kcheck: kubectl drain node01 would not complete: drain stops: 4 pods refused/);
    expect(stops.summary).toContain('## kcheck drain: kubectl drain node01\n');
    expect(stops.summary).toMatch(/default\/hr-app +refuse +cannot delete Pods that declare no controller/);
  });

  it('fails with 1 when it would hang on a PodDisruptionBudget, with the flags given', () => {
    expect(hangs.code, hangs.stderr).toBe(1);
    expect(hangs.outputs['drain-outcome']).toBe('hangs');
    expect(annotations(hangs.stdout).some((a) => a.message.startsWith('kcheck: kubectl drain node01 --ignore-daemonsets --delete-emptydir-data --force would not complete: drain hangs'))).toBe(true);
  });

  it('passes when the drain would complete and no finding reaches fail-on', () => {
    expect(completes.code, completes.stdout + completes.stderr).toBe(0);
    expect(completes.outputs['drain-outcome']).toBe('completes');
    expect(completes.outputs['drain-exit-code']).toBe('0');
    expect(completes.summary).toContain('Outcome: completes (kubectl exits 0; kcheck drain exits 0)');
  });

  it('fails with 2 when the node is not in the input, and refuses a flag kcheck does not model before reading anything', () => {
    const missing = runStep(node, ws, { ...demo, drain: 'node09' }, dir);
    expect(missing.code).toBe(2);
    expect(missing.outputs['drain-outcome']).toBe('unknown');
    expect(annotations(missing.stdout).some((a) => a.message.includes('kcheck: drain: nodes "node09" not found in the input'))).toBe(true);
    const refused = runStep(node, ws, { ...demo, drain: 'node01', 'drain-flags': '--as admin' }, dir);
    expect(refused.code).toBe(2);
    expect(refused.outputs['sarif-file']).toBeUndefined();
    expect(annotations(refused.stdout).map((a) => a.message)).toEqual(['kcheck: kcheck drain does not model --as: kcheck predicts the drain as the identity it reads the cluster with; drain as that identity, or read with a kubeconfig context for the other one']);
  }, 120_000);
});

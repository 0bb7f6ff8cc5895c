import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DUMP_COMMAND, drainFlagsFrom, runDrain } from '../../src/cli/commands/drain.js';
import type { DrainRunPrediction } from '../../src/predict/drain-types.js';
import { apiCall } from '../cluster/api.js';
import { DRAIN_SCENARIOS, loadDrainScenarios, type DrainScenario } from '../cluster/fixtures.js';
import { CONTEXTS, adminKubectl } from '../cluster/start.js';
import { useTestCluster } from '../cluster/use-cluster.js';
import { comparableLines, observedAnswers, predictedAnswers, predictedSuccess, runKubectlDrain, type KubectlRun, type PodAnswer } from './kubectl-observed.js';

const cluster = useTestCluster();

beforeAll(async () => {
  const c = cluster();
  await loadDrainScenarios({ server: c.server, caFile: c.caFile, token: c.tokens.admin });
});

/** kubectl drain's flags as kcheck drain takes them (the same words, through the CLI's own parsing). */
function kcheckFlags(args: string[]) {
  const flags: Record<string, string | boolean> = {};
  for (const arg of args) {
    const [name, value] = arg.replace(/^--/, '').split(/=(.*)/s) as [string, string | undefined];
    flags[name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = value ?? true;
  }
  return drainFlagsFrom(flags as Parameters<typeof drainFlagsFrom>[0]);
}

type Source = 'live' | 'dump';

interface Compared {
  kubectl: KubectlRun;
  observed: Record<string, PodAnswer>;
  pods: string[];
  /** Where kcheck's predicted kubectl lines differ from kubectl's (racy runs are not compared). */
  lineMisses: string[];
  predicted: Record<Source, DrainRunPrediction>;
}

/** Every row compared: pod answers and exit status, live and from the dump. */
const tally = { rows: 0, right: 0, misses: [] as string[] };
/** kubectl's own lines, normalised where Go picks an order: runs whose predicted lines equal the real ones. */
const lines = { runs: 0, same: 0, misses: [] as string[] };

function count(label: string, predicted: Record<string, PodAnswer>, observed: Record<string, PodAnswer>, racy: boolean): void {
  const keys = Object.keys(observed).sort();
  if (racy) {
    // kubectl evicts a node's pods at once: which pod a budget lets go first is the goroutines' race.
    const a = keys.map((k) => predicted[k]).sort();
    const b = keys.map((k) => observed[k]).sort();
    keys.forEach((k, i) => {
      tally.rows++;
      if (a[i] === b[i]) tally.right++;
      else tally.misses.push(`${label} ${k}: kcheck ${a[i]}, kubectl ${b[i]}`);
    });
    return;
  }
  for (const k of keys) {
    tally.rows++;
    if (predicted[k] === observed[k]) tally.right++;
    else tally.misses.push(`${label} ${k}: kcheck ${predicted[k]}, kubectl ${observed[k]}`);
  }
}

async function podsOn(node: string): Promise<string[]> {
  const text = await adminKubectl(cluster(), ['get', 'pods', '-A', '--field-selector', `spec.nodeName=${node}`, '-o', 'jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}{"\\n"}{end}']);
  return text.split('\n').filter(Boolean).sort();
}

/** The documented dump, made with kubectl as an operator would. */
async function dump(): Promise<string> {
  const kinds = DUMP_COMMAND.replace(/^kubectl get /, '').replace(/ -A -o yaml > cluster\.yaml$/, '');
  const file = join(mkdtempSync(join(tmpdir(), 'kcheck-drain-dump-')), 'cluster.yaml');
  writeFileSync(file, await adminKubectl(cluster(), ['get', kinds, '-A', '-o', 'yaml']));
  return file;
}

/**
 * kcheck's prediction, live and from the dump, made before kubectl runs; then
 * kubectl drain itself with the same flags (the admin's kubeconfig).
 */
async function compare(s: DrainScenario, args: string[], options: { racy?: boolean; onLine?: (line: string) => void } = {}): Promise<Compared> {
  const c = cluster();
  const flags = kcheckFlags(args);
  const now = new Date().toISOString();
  const live = await runDrain(s.node, { paths: [], live: { kubeconfig: c.kubeconfigPath, contexts: [CONTEXTS.reader] }, now, config: '/dev/null' }, flags);
  const fromDump = await runDrain(s.node, { paths: [await dump()], now, config: '/dev/null' }, flags);
  const pods = await podsOn(s.node);
  const kubectl = await runKubectlDrain(c.kubectl, c.kubeconfigPath, [s.node, ...args], options.onLine);
  const observed = observedAnswers(kubectl, pods);
  for (const [source, run] of [['live', live.drain], ['dump', fromDump.drain]] as const) {
    const label = `${s.node} ${args.join(' ')} (${source})`;
    count(label, predictedAnswers(run.nodes[0]!, pods), observed, options.racy === true);
    tally.rows++;
    if (predictedSuccess(run) === (kubectl.code === 0)) tally.right++;
    else tally.misses.push(`${label}: kcheck ${run.outcome}, kubectl exit ${kubectl.code}`);
  }
  const real = comparableLines(`${kubectl.stdout}${kubectl.stderr}`.trimEnd().split('\n'));
  const lineMisses: string[] = [];
  // Which pod a budget lets go first is the goroutines' race: its lines name either pod.
  for (const [source, run] of options.racy ? [] : ([['live', live.drain], ['dump', fromDump.drain]] as const)) {
    lines.runs++;
    const predicted = comparableLines(run.kubectlOutput);
    if (JSON.stringify(predicted) === JSON.stringify(real)) lines.same++;
    else {
      const miss = `${s.node} ${args.join(' ')} (${source}):\n    only kcheck: ${predicted.filter((l) => !real.includes(l)).join(' | ')}\n    only kubectl: ${real.filter((l) => !predicted.includes(l)).join(' | ')}`;
      lines.misses.push(miss);
      lineMisses.push(miss);
    }
  }
  return { kubectl, observed, pods, lineMisses, predicted: { live: live.drain, dump: fromDump.drain } };
}

function expectAgreement(r: Compared, racy = false): void {
  expect(r.lineMisses, 'the lines kubectl prints').toEqual([]);
  for (const source of ['live', 'dump'] as const) {
    const predicted = predictedAnswers(r.predicted[source].nodes[0]!, r.pods);
    if (racy) expect(Object.values(predicted).sort(), source).toEqual(Object.values(r.observed).sort());
    else expect(predicted, source).toEqual(r.observed);
    // The exit status: kubectl's success or failure, not which non-zero code.
    expect(predictedSuccess(r.predicted[source]), `${source}: kcheck ${r.predicted[source].outcome}, kubectl exit ${r.kubectl.code}`).toBe(r.kubectl.code === 0);
  }
}

const DRY = ['--dry-run=server', '--timeout=2s'];

describe('the fixture cluster, kubectl drain --dry-run=server', () => {
  const worker = { node: 'worker-1', namespace: '', about: '' };
  test('worker-1 without flags: the same pods refused, with the same flag named for each, and the same error lines', async () => {
    const r = await compare(worker, DRY);
    expectAgreement(r);
    expect(r.predicted.live.outcome).toBe('stops');
    const real = `${r.kubectl.stdout}${r.kubectl.stderr}`.trimEnd().split('\n');
    expect(comparableLines(r.predicted.live.kubectlOutput)).toEqual(comparableLines(real));
  });

  test('worker-1 with every filter flag: the same evictions, and the same pod refused by its PDB', async () => {
    const r = await compare(worker, [...DRY, '--ignore-daemonsets', '--delete-emptydir-data', '--force']);
    expectAgreement(r);
    expect(r.observed['shop/cache-5f6d7c8b9a-q8r4t']).toBe('429');
    expect(r.predicted.live.outcome).toBe('stops');
    expect(r.predicted.live.outcomeReason).toMatch(/^drain gives up after --timeout=2s/);
  });

  test('worker-2 with --ignore-daemonsets: the drain completes in both', async () => {
    const r = await compare({ ...worker, node: 'worker-2' }, [...DRY, '--ignore-daemonsets']);
    expectAgreement(r);
    expect(r.kubectl.code).toBe(0);
    const real = `${r.kubectl.stdout}${r.kubectl.stderr}`.trimEnd().split('\n');
    expect(comparableLines(r.predicted.live.kubectlOutput)).toEqual(comparableLines(real));
  });
});

describe('kubectl\'s filters, exactly (kubectl drain --dry-run=server)', () => {
  const s = DRAIN_SCENARIOS;
  test(`owners: ${s.owners.about}`, async () => {
    const r = await compare(s.owners, DRY);
    expectAgreement(r);
    // Only the apps/v1 DaemonSet is a DaemonSet to kubectl, though its uid is not the DaemonSet's.
    expect(r.observed).toEqual({
      'drain-owners/agent-x3': 'refused --ignore-daemonsets',
      'drain-owners/clone-x4': 'untouched',
      'drain-owners/kruise-agent-x1': 'untouched',
      'drain-owners/old-agent-x2': 'untouched',
    });
    const ignoring = await compare(s.owners, [...DRY, '--ignore-daemonsets']);
    expectAgreement(ignoring);
    expect(ignoring.observed['drain-owners/kruise-agent-x1']).toBe('evicted');
    expect(ignoring.observed['drain-owners/agent-x3']).toBe('ignored');
  });

  test(`orphan: ${s.orphan.about}`, async () => {
    const r = await compare(s.orphan, [...DRY, '--ignore-daemonsets']);
    expectAgreement(r);
    expect(r.observed['drain-orphan/gone-agent-x1']).toBe('refused ');
    const forced = await compare(s.orphan, [...DRY, '--ignore-daemonsets', '--force']);
    expectAgreement(forced);
    expect(forced.observed['drain-orphan/gone-agent-x1']).toBe('evicted');
  });

  test(`phases: ${s.phases.about}`, async () => {
    const r = await compare(s.phases, DRY);
    expectAgreement(r);
    expect(r.observed).toEqual({
      'drain-phases/done-failed': 'evicted',
      'drain-phases/done-ok': 'evicted',
      'drain-phases/leaving': 'evicted',
      'drain-phases/not-started': 'evicted',
      'drain-phases/serving': '429',
      'drain-phases/static-x': 'untouched',
    });
  });

  test(`storage: ${s.storage.about}`, async () => {
    const r = await compare(s.storage, DRY);
    expectAgreement(r);
    expect(r.observed['drain-storage/tmpfs']).toBe('refused --delete-emptydir-data');
    const allowed = await compare(s.storage, [...DRY, '--delete-emptydir-data']);
    expectAgreement(allowed);
    expect(allowed.kubectl.code).toBe(0);
  });

  test(`--pod-selector: ${s.podSelector.about}`, async () => {
    const all = await compare(s.podSelector, DRY);
    expectAgreement(all);
    expect(all.observed['drain-podsel/hand-made']).toBe('refused --force');
    const selected = await compare(s.podSelector, [...DRY, '--pod-selector=app=keep']);
    expectAgreement(selected);
    expect(selected.kubectl.code).toBe(0);
    expect(selected.observed['drain-podsel/keep-x1']).toBe('evicted');
  });
});

describe('eviction answers as the API server gives them (kubectl drain --dry-run=server)', () => {
  const s = DRAIN_SCENARIOS;
  test(`selectors: ${s.selectors.about}`, async () => {
    const r = await compare(s.selectors, DRY);
    expectAgreement(r);
    expect(r.observed).toEqual({ 'drain-selectors/core': '500', 'drain-selectors/front': 'evicted', 'drain-selectors/store': '429' });
  });

  test(`empty selector: ${s.empty.about}`, async () => {
    const r = await compare(s.empty, DRY);
    expectAgreement(r);
    expect(r.kubectl.code).toBe(0);
  });

  test(`budget: ${s.budget.about} (a dry run uses no budget up)`, async () => {
    const r = await compare(s.budget, DRY);
    expectAgreement(r);
    expect(r.observed).toEqual({ 'drain-budget/paced-a': 'evicted', 'drain-budget/paced-b': 'evicted' });
  });

  test(`unhealthy: ${s.unhealthy.about}`, async () => {
    const r = await compare(s.unhealthy, DRY);
    expectAgreement(r);
    expect(r.observed).toEqual({
      'drain-unhealthy/always-unready': 'evicted',
      'drain-unhealthy/if-healthy-unready': '429',
      'drain-unhealthy/met-unready': 'evicted',
    });
  });

  test(`terminating namespace: ${s.doomed.about}`, async () => {
    const r = await compare(s.doomed, DRY);
    expectAgreement(r);
    expect(r.observed).toEqual({ 'drain-doomed/doomed-a': '403', 'drain-doomed/doomed-b': 'evicted' });
    // The pod already going is not replaced: nothing can be created in the namespace.
    expect(r.predicted.live.nodes[0]!.fates.find((f) => f.pod.name === 'doomed-b')!.destination).toMatchObject({ node: null, message: 'namespace drain-doomed is being terminated: no replacement can be created there' });
  });

  test(`--disable-eviction: ${s.deletion.about} (a server dry run deletes nothing, so drain waits until --timeout)`, async () => {
    const r = await compare(s.deletion, [...DRY, '--disable-eviction']);
    expectAgreement(r);
    expect(r.kubectl.code).not.toBe(0);
  });

  test(`stale budget: ${s.stale.about}: 429 with Retry-After 10, about 105 s even with --timeout=5s`, { timeout: 240_000 }, async () => {
    const r = await compare(s.stale, ['--dry-run=server', '--timeout=5s']);
    expectAgreement(r);
    expect(r.observed['drain-stale/stale-a']).toBe('429');
    // client-go follows Retry-After: 10 ten times inside the first eviction call before kubectl sees the 429.
    expect(r.kubectl.seconds).toBeGreaterThanOrEqual(100);
    expect(r.predicted.live.nodes[0]!.givesUpAfterSeconds).toBe(105);
  });
});

describe('kcheck drain cannot tell', () => {
  test('without permission to list pods the input is incomplete: exit 2, with --allow-incomplete the outcome is unknown', async () => {
    const c = cluster();
    const request = { paths: [], live: { kubeconfig: c.kubeconfigPath, contexts: [CONTEXTS.noPods] }, now: new Date().toISOString(), config: '/dev/null' };
    const run = await runDrain('worker-2', request, kcheckFlags(['--ignore-daemonsets']));
    expect(run.exitCode).toBe(2);
    const allowed = await runDrain('worker-2', { ...request, allowIncomplete: true }, kcheckFlags(['--ignore-daemonsets']));
    expect(allowed.drain.outcome).toBe('unknown');
    expect(allowed.drain.outcomeReason).toMatch(/^the input is incomplete \(pods/);
    expect(allowed.exitCode).toBe(2);
  });
});

describe('real drains, where a dry run cannot show the truth (--grace-period=0: no kubelet is needed)', () => {
  const s = DRAIN_SCENARIOS;
  test(`budget: ${s.budget.about}: the first eviction uses the budget up, the second waits until the disruption controller counts a replacement`, async () => {
    const c = cluster();
    const admin = { server: c.server, caFile: c.caFile, token: c.tokens.admin };
    let refilled = false;
    // No disruption controller runs here: the test writes what it would once the first replacement is Ready.
    const r = await compare(s.budget, ['--grace-period=0', '--timeout=60s'], {
      racy: true,
      onLine: (line) => {
        if (refilled || !/will retry after 5s/.test(line)) return;
        refilled = true;
        void apiCall(admin, 'PATCH', `/apis/policy/v1/namespaces/${s.budget.namespace}/poddisruptionbudgets/paced/status`, { status: { disruptionsAllowed: 1 } }, 'application/merge-patch+json');
      },
    });
    expectAgreement(r, true);
    expect(Object.values(r.observed).sort()).toEqual(['429', 'evicted']);
    expect(r.kubectl.code).toBe(0);
  });

  test(`--disable-eviction: ${s.deletion.about}: deletes bypass the budget`, async () => {
    const r = await compare(s.deletion, ['--disable-eviction', '--grace-period=0', '--timeout=60s']);
    expectAgreement(r);
    expect(r.observed).toEqual({ 'drain-delete/guarded-a': 'deleted', 'drain-delete/guarded-b': 'deleted' });
    expect(r.kubectl.code).toBe(0);
  });

  test(`skip wait: ${s.skipWait.about}`, async () => {
    // The held pod never goes: drain waits for it until --timeout.
    const waited = await compare(s.skipWait, ['--grace-period=0', '--timeout=3s']);
    expectAgreement(waited);
    expect(waited.observed).toEqual({ 'drain-skip/free-b': 'evicted', 'drain-skip/held-a': 'waited' });
    // Its deletionTimestamp is now older than a second: drain leaves it alone and completes.
    const skipped = await compare(s.skipWait, ['--grace-period=0', '--timeout=30s', '--skip-wait-for-delete-timeout=1']);
    expectAgreement(skipped);
    expect(skipped.kubectl.code).toBe(0);
  });
});

afterAll(() => {
  // The measured agreement, for the record of the run.
  process.stdout.write(`kcheck vs kubectl drain: ${tally.right}/${tally.rows} rows agree${tally.misses.length > 0 ? `\n  ${tally.misses.join('\n  ')}` : ''}\n`);
  process.stdout.write(`kubectl's output lines predicted: ${lines.same}/${lines.runs} runs${lines.misses.length > 0 ? `\n  ${lines.misses.join('\n  ')}` : ''}\n`);
});

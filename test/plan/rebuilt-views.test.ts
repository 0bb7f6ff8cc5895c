import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCluster, writeCluster } from '../bench/generate/cluster.js';
import { runCli } from '../helpers/run-cli.js';

/**
 * The planner's states carry their pod, node and component views over from
 * the state before, share each worker's drain with the worker-order search,
 * and after a node's turn ask the version rules only for that node's parts.
 * KCHECK_REBUILD_VIEWS=1 turns all three off: every state builds its views
 * from scratch, every turn is simulated again and every rule is asked about
 * every node. The two must agree to the
 * byte, on a seeded cluster large enough for the greedy worker order, with
 * catch-up rounds (kubelets two minors behind), cordoned nodes, budgets at 0
 * and standalone pods.
 */
describe('a plan with carried views', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kcheck-rebuilt-views-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is the plan with every view rebuilt', async () => {
    const file = join(dir, 'cluster.json');
    await writeCluster(file, generateCluster({ nodes: 60, seed: 7, podsPerNode: 12 }), 'json');
    const args = ['plan', file, '--target', '1.35', '--format', 'json', '--now', '2026-11-21T00:00:00Z'];
    const carried = runCli(args);
    const rebuilt = runCli(args, { env: { KCHECK_REBUILD_VIEWS: '1' } });
    expect(carried.stderr).toBe('');
    expect([0, 1]).toContain(carried.code);
    const plan = JSON.parse(carried.stdout) as { plan?: { steps: { kind: string; drain: unknown }[] } };
    const steps = (plan.plan ?? (plan as never as { steps: { kind: string; drain: unknown }[] })).steps;
    // Enough happened to compare: catch-up rounds for the kubelets behind (every order for the few two minors
    // behind, greedy for the others), then every worker in 1.34 and in 1.35.
    expect(steps.filter((s) => s.kind === 'node').length).toBeGreaterThan(120);
    expect(rebuilt.code).toBe(carried.code);
    expect(rebuilt.stdout).toBe(carried.stdout);
  });
});

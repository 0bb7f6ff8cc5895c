import { describe, expect, test } from 'vitest';
import { scan } from '../../src/cli/pipeline.js';
import type { Finding } from '../../src/engine/types.js';
import { CONTEXTS } from '../cluster/start.js';
import { dumpCluster } from '../cluster/dump.js';
import { useTestCluster } from '../cluster/use-cluster.js';
import { runCli } from '../helpers/run-cli.js';

const cluster = useTestCluster();
const NOW = '2026-11-20T00:00:00Z';

/** What a finding says about what, without where it was read from. */
function essence(f: Finding): string {
  const o = f.object;
  return [f.ruleId, f.severity, o ? `${o.kind} ${o.namespace ?? ''}/${o.name}` : '-', f.message].join(' | ');
}

describe('a live scan sees what a dump of the same cluster shows', () => {
  test('same findings from the API (read-only identity) as from kubectl get -o yaml, only locations differ', async () => {
    const info = cluster();
    const live = await scan({ paths: [], live: { kubeconfig: info.kubeconfigPath, contexts: [CONTEXTS.reader] }, now: NOW, target: '1.36', config: '/dev/null' });
    const dump = await dumpCluster(info.kubeconfigPath, { context: CONTEXTS.admin, kubectl: info.kubectl });
    const fromDump = await scan({ paths: dump.files, now: NOW, target: '1.36', config: '/dev/null' });

    expect(live.result.gaps).toEqual([]);
    expect(live.exitCode).not.toBe(2);
    expect(live.result.findings.length).toBeGreaterThan(0);
    // Only the live scan can read which deprecated APIs clients request (GET /metrics).
    const fromMetrics = live.result.findings.filter((f) => f.message.includes('apiserver_requested_deprecated_apis'));
    expect(fromMetrics.map((f) => f.ruleId)).toEqual(['deprecated-api']);
    const objectFindings = live.result.findings.filter((f) => !fromMetrics.includes(f));
    expect(objectFindings.map(essence).sort()).toEqual(fromDump.result.findings.map(essence).sort());
    expect(objectFindings.every((f) => f.location === null && f.cluster === CONTEXTS.reader)).toBe(true);
    expect(fromDump.result.findings.filter((f) => f.object).every((f) => f.location !== null)).toBe(true);
  });

  test('kcheck scan with no paths reads the current context; a token without pods/list exits 2 naming the permission', () => {
    const info = cluster();
    const ok = runCli(['scan', '--now', NOW, '--config', '/dev/null'], { env: { KUBECONFIG: info.kubeconfigPath } });
    expect([0, 1]).toContain(ok.code);
    const denied = runCli(['scan', '--context', CONTEXTS.noPods, '--now', NOW, '--config', '/dev/null'], { env: { KUBECONFIG: info.kubeconfigPath } });
    expect(denied.code).toBe(2);
    expect(denied.stdout + denied.stderr).toMatch(/list on pods/);
  });

  test('several contexts at once: findings per cluster, SARIF with one run per cluster', () => {
    const info = cluster();
    const run = runCli(['scan', '--context', CONTEXTS.reader, '--context', CONTEXTS.admin, '--now', NOW, '--config', '/dev/null', '--format', 'json'], { env: { KUBECONFIG: info.kubeconfigPath } });
    const report = JSON.parse(run.stdout) as { findings: { cluster: string }[] };
    expect(new Set(report.findings.map((f) => f.cluster))).toEqual(new Set([CONTEXTS.reader, CONTEXTS.admin]));
    const sarif = runCli(['scan', '--context', CONTEXTS.reader, '--context', CONTEXTS.admin, '--now', NOW, '--config', '/dev/null', '--format', 'sarif', '--sarif-anchor', 'deploy/rbac.yaml'], { env: { KUBECONFIG: info.kubeconfigPath } });
    const log = JSON.parse(sarif.stdout) as { runs: { automationDetails?: { id: string } }[] };
    expect(log.runs).toHaveLength(2);
    expect(new Set(log.runs.map((r) => r.automationDetails?.id)).size).toBe(2);
  });

  test('no kubeconfig at all: exit 2 suggesting kcheck demo, no fall-back to localhost:8080', () => {
    const run = runCli(['scan'], { env: { KUBECONFIG: '', HOME: '/nonexistent-home', KUBERNETES_SERVICE_HOST: '' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/kcheck demo/);
    expect(run.stderr).not.toMatch(/localhost:8080/);
  });
});

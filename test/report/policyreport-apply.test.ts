import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Finding } from '../../src/engine/types.js';
import { formatPolicyReport, policyReports, type PolicyReport } from '../../src/report/policyreport.js';
import { useTestCluster } from '../cluster/use-cluster.js';
import { runKubectl, type KubectlRun } from '../cluster/kubectl-run.js';
import { context, finding, runResult } from './fixtures.js';
import { demoContext, repoRoot } from './demo-scan.js';

const cluster = useTestCluster();
const CRDS = `${repoRoot}deploy/policy-report-crds.yaml`;

function kubectl(args: string[], input?: string): KubectlRun {
  return runKubectl(cluster(), args, input);
}

function ensureNamespaces(reports: PolicyReport[]): void {
  const namespaces = [...new Set(reports.flatMap((r) => (r.metadata.namespace ? [r.metadata.namespace] : [])))];
  const docs = namespaces.map((name) => stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })).join('---\n');
  const run = kubectl(['apply', '-f', '-'], docs);
  expect(run.code, run.stderr).toBe(0);
}

function manyPodFindings(count: number): Finding[] {
  return Array.from({ length: count }, (_, i) =>
    finding({
      ruleId: 'control-plane-version-skew',
      message: `pod shop/web-${i} runs a kube-scheduler two minors behind the control plane; ${'it must be upgraded first. '.repeat(6)}`,
      object: { apiVersion: 'v1', kind: 'Pod', namespace: 'big', name: `web-${i}` },
    }),
  );
}

describe('policy reports on a real kube-apiserver with the Policy Report CRDs', () => {
  beforeAll(() => {
    const crds = kubectl(['apply', '--server-side', '-f', CRDS]);
    expect(crds.code, crds.stderr).toBe(0);
    const ready = kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/policyreports.wgpolicyk8s.io', 'crd/clusterpolicyreports.wgpolicyk8s.io']);
    expect(ready.code, ready.stderr).toBe(0);
  }, 180_000);

  it('accepts the demo cluster\'s reports with kubectl apply and gives them back', async () => {
    const { scan, context: demo } = await demoContext('policyreport');
    const reports = policyReports(scan.result, demo);
    ensureNamespaces(reports);
    const applied = kubectl(['apply', '-f', '-'], formatPolicyReport(scan.result, demo));
    expect(applied.code, applied.stderr).toBe(0);
    const back = JSON.parse(kubectl(['get', 'policyreports,clusterpolicyreports', '-A', '-l', 'app.kubernetes.io/managed-by=kcheck', '-o', 'json']).stdout) as {
      items: PolicyReport[];
    };
    const key = (r: PolicyReport): string => `${r.kind}/${r.metadata.namespace ?? ''}/${r.metadata.name}`;
    expect(back.items.map(key).sort()).toEqual(reports.map(key).sort());
    for (const report of reports) {
      const stored = back.items.find((r) => key(r) === key(report))!;
      expect(stored.summary).toEqual(report.summary);
      expect(stored.results).toEqual(report.results);
    }
  });

  it('stores a large cluster\'s reports, split, where one report would be refused', () => {
    const result = runResult({ findings: manyPodFindings(6000) });
    const whole = policyReports(result, context(), Number.POSITIVE_INFINITY);
    expect(whole).toHaveLength(2);
    ensureNamespaces(whole);
    const refused = kubectl(['apply', '--server-side', '-f', '-'], stringify(whole[1]));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/too large|Too Large|exceeds|limit/i);

    const split = policyReports(result, context());
    expect(split.length).toBeGreaterThan(3);
    // Client-side apply copies each report into an annotation, which the apiserver caps at 256 KiB.
    const applied = kubectl(['apply', '-f', '-'], formatPolicyReport(result, context()));
    expect(applied.code, applied.stderr).toBe(0);
    const stored = JSON.parse(kubectl(['get', 'policyreports', '-n', 'big', '-o', 'json']).stdout) as { items: PolicyReport[] };
    expect(stored.items.reduce((n, r) => n + r.results.length, 0)).toBe(6000);
  }, 180_000);

  it('checks results against the API: a severity outside its enum is refused', () => {
    const report = policyReports(runResult({ findings: manyPodFindings(1) }), context()).find((r) => r.kind === 'PolicyReport');
    expect(report?.results).toHaveLength(1);
    const bad = { ...report!, metadata: { ...report!.metadata, name: 'kcheck-bad' }, results: report!.results.map((r) => ({ ...r, severity: 'fatal' })) };
    const run = kubectl(['apply', '--dry-run=server', '-f', '-'], stringify(bad));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('results[0].severity: Unsupported value: "fatal"');
    expect(readFileSync(CRDS, 'utf8')).toContain('enum: [critical, high, low, medium, info]');
  });
});

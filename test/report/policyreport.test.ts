import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { Finding } from '../../src/engine/types.js';
import { formatPolicyReport, POLICY_REPORT_MAX_BYTES, policyReports, type PolicyReport } from '../../src/report/policyreport.js';
import { CLUSTER, context, contextFor, finding, fixtures, runResult } from './fixtures.js';
import { demoContext } from './demo-scan.js';

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

const RESULT_FIELDS = ['source', 'policy', 'category', 'severity', 'result', 'scored', 'resources', 'message', 'properties', 'timestamp'];

/** The shape wgpolicyk8s.io/v1alpha2 gives a report (REFERENCE §9). */
function expectPolicyReportShape(report: PolicyReport): void {
  expect(report.apiVersion).toBe('wgpolicyk8s.io/v1alpha2');
  expect(['PolicyReport', 'ClusterPolicyReport']).toContain(report.kind);
  expect(report.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  if (report.kind === 'PolicyReport') expect(report.metadata.namespace).toBeTruthy();
  else expect(report.metadata.namespace).toBeUndefined();
  const summary = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
  for (const r of report.results) {
    for (const key of Object.keys(r)) expect(RESULT_FIELDS).toContain(key);
    expect(r.source).toBe('kcheck');
    expect(r.policy).toBeTruthy();
    expect(['pass', 'fail', 'warn', 'error', 'skip']).toContain(r.result);
    if (r.severity !== undefined) expect(['critical', 'high', 'medium', 'low', 'info']).toContain(r.severity);
    for (const value of Object.values(r.properties ?? {})) expect(typeof value).toBe('string');
    expect(Number.isInteger(r.timestamp.seconds) && r.timestamp.nanos === 0).toBe(true);
    for (const resource of r.resources ?? []) {
      expect(resource.apiVersion).toBeTruthy();
      expect(resource.name).toBeTruthy();
      if (report.kind === 'PolicyReport') expect(resource.namespace).toBe(report.metadata.namespace);
    }
    summary[r.result] += 1;
  }
  expect(report.summary).toEqual(summary);
}

function podFindings(count: number, namespace: string): Finding[] {
  return Array.from({ length: count }, (_, i) =>
    finding({
      ruleId: 'control-plane-version-skew',
      message: `pod ${i} ${'runs a component far from the control plane; '.repeat(4)}`,
      object: { apiVersion: 'v1', kind: 'Pod', namespace, name: `web-${i}` },
      cluster: 'prod-eu',
    }),
  );
}

describe('policyreport format', () => {
  it('puts cluster-wide findings in a ClusterPolicyReport and the rest in a PolicyReport per namespace', () => {
    const reports = policyReports(fixtures.mixed, contextFor('mixed', 'policyreport'));
    expect(reports.map((r) => `${r.kind} ${r.metadata.namespace ?? ''}/${r.metadata.name}`)).toEqual([
      'ClusterPolicyReport /kcheck',
      'PolicyReport kube-system/kcheck',
    ]);
    for (const report of reports) expectPolicyReportShape(report);
    const namespaced = reports[1]!.results;
    expect(namespaced.map((r) => r.resources?.[0]?.name).sort()).toEqual(['etcd', 'etcd', 'kube-apiserver-cp-1', 'kube-controller-manager-cp-1']);
  });

  it('fills each result as the Policy Report API defines it', () => {
    const [cluster] = policyReports(fixtures.mixed, contextFor('mixed', 'policyreport', { cwd: '/repo' }));
    const removed = fixtures.mixed.findings.find((f) => f.ruleId === 'removed-api')!;
    expect(cluster!.results.find((r) => r.policy === 'removed-api')).toEqual({
      source: 'kcheck',
      policy: 'removed-api',
      category: 'apis',
      severity: 'high',
      result: 'fail',
      scored: true,
      resources: [{ apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', kind: 'FlowSchema', name: 'ci-runners' }],
      message: removed.message,
      properties: {
        remediation: removed.remediation,
        docs: 'https://github.com/kcheck-dev/kcheck/blob/main/rules/removed-api.md',
        file: 'fixtures/demo/cluster/legacy-apis.yaml:3:1',
      },
      timestamp: { seconds: Date.parse('2026-11-20T00:00:00Z') / 1000, nanos: 0 },
    });
    expect(removed.message).toMatch(/^FlowSchema ci-runners uses flowcontrol.apiserver.k8s.io\/v1beta3, removed in 1.32/);
    const kubectl = cluster!.results.find((r) => r.policy === 'kubectl-version-skew');
    expect(kubectl).toMatchObject({ result: 'warn', severity: 'medium', properties: { cluster: CLUSTER } });
    expect(kubectl?.resources).toBeUndefined();
    expect(cluster!.results.find((r) => r.policy === 'release-data-outdated')).toMatchObject({ severity: 'info', result: 'warn' });
  });

  it('reports suppressed findings as skipped, skipped rules as skip and scan gaps as error', () => {
    const [cluster] = policyReports(fixtures.mixed, contextFor('mixed', 'policyreport'));
    const suppressed = cluster!.results.filter((r) => r.resources?.[0]?.name === 'worker-1');
    expect(suppressed).toMatchObject([
      { policy: 'kubelet-version-skew', result: 'skip', properties: { suppressed: 'annotation: GPU driver pins 1.29 until CHG-4821 (2026-12-05); drained and cordoned' } },
      { policy: 'unsupported-version', result: 'skip', properties: { suppressed: 'config: worker-1 is replaced in the Q1 hardware refresh' } },
    ]);
    expect(cluster!.results.find((r) => r.policy === 'etcd-backup-stale')).toMatchObject({
      result: 'skip',
      message: 'not checked: no backup location given (--backups DIR, or backups: in the config)',
    });
    const [incomplete] = policyReports(fixtures.incompleteClean, contextFor('incompleteClean', 'policyreport'));
    expect(incomplete!.summary.error).toBe(2);
    expect(incomplete!.results[0]?.message).toContain(`the scan is incomplete: ${CLUSTER}/nodes: forbidden: needs list on nodes (core)`);
  });

  it('splits a report that would not fit in one object, keeping every result', () => {
    const result = runResult({ findings: podFindings(400, 'shop') });
    const reports = policyReports(result, context(), 20_000);
    const shop = reports.filter((r) => r.metadata.namespace === 'shop');
    expect(shop.length).toBeGreaterThan(2);
    expect(shop.map((r) => r.metadata.name).slice(0, 3)).toEqual(['kcheck', 'kcheck-2', 'kcheck-3']);
    for (const report of shop) {
      expect(jsonBytes(report)).toBeLessThanOrEqual(20_000);
      expectPolicyReportShape(report);
    }
    expect(shop.flatMap((r) => r.results.map((x) => x.resources?.[0]?.name))).toEqual(result.findings.map((f) => f.object?.name));
  });

  it('keeps every report of a large cluster under the apiserver\'s object size', () => {
    const result = runResult({ findings: [...podFindings(6000, 'shop'), ...podFindings(10, 'db')] });
    const reports = policyReports(result, context());
    expect(reports.length).toBeGreaterThan(3);
    for (const report of reports) expect(jsonBytes(report)).toBeLessThanOrEqual(POLICY_REPORT_MAX_BYTES);
    // Client-side apply copies the report into an annotation; annotations take at most 256 KiB.
    expect(POLICY_REPORT_MAX_BYTES).toBeLessThan(256 * 1024);
  });

  it('writes a multi-document YAML stream that reads back as the same reports', async () => {
    const { scan, context: demo } = await demoContext('policyreport');
    const text = formatPolicyReport(scan.result, demo);
    const documents = parseAllDocuments(text);
    for (const doc of documents) expect(doc.errors).toEqual([]);
    const parsed = documents.map((d) => d.toJS() as PolicyReport);
    expect(parsed).toEqual(JSON.parse(JSON.stringify(policyReports(scan.result, demo))));
    for (const report of parsed) expectPolicyReportShape(report);
    const findings = scan.result.findings.length + scan.result.skippedRules.length + scan.result.gaps.length;
    expect(parsed.reduce((n, r) => n + r.results.length, 0)).toBe(findings);
  });
});

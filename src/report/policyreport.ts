import type { Finding, RuleMeta, RunResult, Severity } from '../engine/types.js';
import { objectLabel } from './describe.js';
import { yamlDocument } from './escape-yaml.js';
import { repoPath } from './repo-path.js';
import type { ReportContext } from './types.js';

/**
 * The Policy Report API of the Kubernetes Policy WG (wgpolicyk8s.io/v1alpha2),
 * which Kyverno, Trivy and kube-bench also write and Policy Reporter shows.
 * https://github.com/kubernetes-sigs/wg-policy-prototypes/tree/master/policy-report
 */
const POLICY_REPORT_API = 'wgpolicyk8s.io/v1alpha2';

/**
 * Largest report kcheck writes, as JSON. `kubectl apply` without
 * --server-side copies the whole object into its
 * kubectl.kubernetes.io/last-applied-configuration annotation, and the
 * apiserver refuses an object whose annotations take more than 256 KiB
 * (apimachinery's TotalAnnotationSizeLimitB); etcd takes 1.5 MiB per request.
 */
export const POLICY_REPORT_MAX_BYTES = 200 * 1024;

type PolicyResultStatus = 'pass' | 'fail' | 'warn' | 'error' | 'skip';
type PolicySeverity = 'critical' | 'high' | 'medium' | 'low' | 'info';

interface ObjectReference {
  apiVersion?: string;
  kind: string;
  namespace?: string;
  name: string;
}

interface PolicyReportResult {
  source: 'kcheck';
  policy: string;
  category?: string;
  severity?: PolicySeverity;
  result: PolicyResultStatus;
  scored: boolean;
  resources?: ObjectReference[];
  message: string;
  properties?: Record<string, string>;
  timestamp: { seconds: number; nanos: number };
}

export interface PolicyReport {
  apiVersion: typeof POLICY_REPORT_API;
  kind: 'PolicyReport' | 'ClusterPolicyReport';
  metadata: { name: string; namespace?: string; labels: Record<string, string> };
  summary: Record<PolicyResultStatus, number>;
  results: PolicyReportResult[];
}

const SEVERITY: Record<Severity, PolicySeverity> = { error: 'high', warning: 'medium', info: 'info' };
const STATUS: Record<Severity, PolicyResultStatus> = { error: 'fail', warning: 'warn', info: 'warn' };

const REPORT_NAME = 'kcheck';
const LABELS = { 'app.kubernetes.io/managed-by': 'kcheck', 'app.kubernetes.io/name': 'kcheck' };

function timestamp(date: Date): PolicyReportResult['timestamp'] {
  return { seconds: Math.floor(date.getTime() / 1000), nanos: 0 };
}

function findingResult(finding: Finding, rules: Map<string, RuleMeta<unknown>>, result: RunResult, cwd?: string): PolicyReportResult {
  const { object, location, suppressed } = finding;
  const properties: Record<string, string> = { remediation: finding.remediation, docs: finding.docsUrl };
  if (location) properties['file'] = `${repoPath(location.file, cwd)}:${location.line}:${location.column}`;
  if (finding.cluster !== null) properties['cluster'] = finding.cluster;
  if (suppressed) properties['suppressed'] = `${suppressed.kind}: ${suppressed.reason}`;
  // Only real API objects are references; kcheck's stand-ins (a kubectl given by flag) are named instead.
  const isApiObject = object?.apiVersion !== undefined;
  if (object && !isApiObject) properties['object'] = objectLabel(object);
  const category = rules.get(finding.ruleId)?.category;
  return {
    source: 'kcheck',
    policy: finding.ruleId,
    ...(category ? { category } : {}),
    severity: SEVERITY[finding.severity],
    result: suppressed ? 'skip' : STATUS[finding.severity],
    scored: true,
    ...(object && isApiObject
      ? {
          resources: [
            {
              apiVersion: object.apiVersion!,
              kind: object.kind,
              ...(object.namespace ? { namespace: object.namespace } : {}),
              name: object.name,
            },
          ],
        }
      : {}),
    message: finding.message,
    properties,
    timestamp: timestamp(result.capturedAt),
  };
}

/** What the scan could not do: gaps are errors, skipped rules are skips; both belong to the cluster. */
function scanResults(result: RunResult): PolicyReportResult[] {
  return [
    ...result.gaps.map((gap): PolicyReportResult => ({
      source: 'kcheck',
      policy: 'scan',
      result: 'error',
      scored: false,
      message: `the scan is incomplete: ${gap.what}: ${gap.reason}`,
      timestamp: timestamp(result.capturedAt),
    })),
    ...result.skippedRules.map((skip): PolicyReportResult => ({
      source: 'kcheck',
      policy: skip.ruleId,
      result: 'skip',
      scored: false,
      message: `not checked: ${skip.reason}`,
      timestamp: timestamp(result.capturedAt),
    })),
  ];
}

function summaryOf(results: PolicyReportResult[]): PolicyReport['summary'] {
  const summary = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
  for (const r of results) summary[r.result] += 1;
  return summary;
}

function report(kind: PolicyReport['kind'], name: string, namespace: string | undefined, results: PolicyReportResult[]): PolicyReport {
  return {
    apiVersion: POLICY_REPORT_API,
    kind,
    metadata: { name, ...(namespace !== undefined ? { namespace } : {}), labels: { ...LABELS } },
    summary: summaryOf(results),
    results,
  };
}

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

/**
 * One report, or several named `kcheck`, `kcheck-2`, ... when its results do
 * not fit in `maxBytes`.
 */
function split(kind: PolicyReport['kind'], namespace: string | undefined, results: PolicyReportResult[], maxBytes: number): PolicyReport[] {
  const name = (part: number): string => (part === 1 ? REPORT_NAME : `${REPORT_NAME}-${part}`);
  const overhead = jsonBytes(report(kind, `${REPORT_NAME}-999`, namespace, []));
  const parts: PolicyReportResult[][] = [[]];
  let size = overhead;
  for (const r of results) {
    const bytes = jsonBytes(r) + 1;
    const current = parts.at(-1)!;
    if (current.length > 0 && size + bytes > maxBytes) {
      parts.push([r]);
      size = overhead + bytes;
    } else {
      current.push(r);
      size += bytes;
    }
  }
  return parts.map((part, i) => report(kind, name(i + 1), namespace, part));
}

/**
 * A ClusterPolicyReport for findings about cluster-scoped objects, files and
 * the scan itself, and a PolicyReport in each namespace that has findings.
 */
export function policyReports(result: RunResult, context: ReportContext, maxBytes = POLICY_REPORT_MAX_BYTES): PolicyReport[] {
  const rules = new Map(context.rules.map((rule) => [rule.id, rule]));
  const clusterResults: PolicyReportResult[] = [];
  const byNamespace = new Map<string, PolicyReportResult[]>();
  for (const finding of result.findings) {
    const r = findingResult(finding, rules, result, context.cwd);
    const namespace = finding.object?.apiVersion !== undefined ? finding.object.namespace : undefined;
    if (namespace) {
      const list = byNamespace.get(namespace) ?? [];
      list.push(r);
      byNamespace.set(namespace, list);
    }
    else clusterResults.push(r);
  }
  clusterResults.push(...scanResults(result));
  const reports = split('ClusterPolicyReport', undefined, clusterResults, maxBytes);
  for (const namespace of [...byNamespace.keys()].sort()) {
    reports.push(...split('PolicyReport', namespace, byNamespace.get(namespace)!, maxBytes));
  }
  return reports;
}

/** `--format policyreport`: the reports as one multi-document YAML stream for `kubectl apply -f -`. */
export function formatPolicyReport(result: RunResult, context: ReportContext): string {
  return policyReports(result, context)
    .map((r) => `---\n${yamlDocument(r)}`)
    .join('');
}

import { summarize } from '../../src/engine/run.js';
import { docsUrl } from '../../src/engine/docs-url.js';
import type { Finding, RuleMeta, RunResult, Severity } from '../../src/engine/types.js';
import type { ReportContext } from '../../src/report/types.js';

/** Rules as the report sees them; the real registry is tested elsewhere. */
export const reportRules: RuleMeta<unknown>[] = [
  rule('control-plane-version-skew', 'versions', 'error', 'Control-plane components must be within one minor of kube-apiserver.'),
  rule('kubectl-version-skew', 'versions', 'warning', 'kubectl must be within one minor of kube-apiserver.'),
  rule('kubelet-version-skew', 'versions', 'error', 'Each kubelet must be at most three minors older than kube-apiserver, and never newer.'),
  rule('parse-error', 'input', 'error', 'A document could not be parsed.'),
  rule('release-data-outdated', 'versions', 'info', 'The bundled release table is old.'),
  rule('unsupported-version', 'versions', 'error', 'The cluster runs a Kubernetes minor past its end of life.'),
  rule('upgrade-skips-minor', 'upgrade', 'error', 'An upgrade target more than one minor ahead of kube-apiserver.', true),
];

function rule(
  id: string,
  category: RuleMeta<unknown>['category'],
  severity: Severity,
  description: string,
  needsTarget = false,
): RuleMeta<unknown> {
  return {
    id,
    category,
    judges: category === 'drain' ? 'drain' : 'cluster',
    severity,
    description,
    remediation: `Follow the steps in the ${id} documentation.`,
    defaultOptions: {},
    needs: [],
    ...(needsTarget ? { needsTarget } : {}),
  };
}

const reportDocs = new Map<string, string>([
  [
    'kubelet-version-skew',
    [
      '# kubelet-version-skew',
      '',
      'A kubelet more than three minor versions older than kube-apiserver is not supported',
      'and may stop working during the next control-plane upgrade.',
      '',
      '## How to fix',
      '',
      '```sh',
      'kubectl drain worker-2 --ignore-daemonsets',
      '```',
      '',
    ].join('\n'),
  ],
]);

export function context(overrides: Partial<ReportContext> = {}): ReportContext {
  return { rules: reportRules, ruleDocs: reportDocs, toolVersion: '0.1.0', color: false, ...overrides };
}

type FindingInput = Pick<Finding, 'ruleId' | 'message'> & Partial<Finding>;

export function finding(input: FindingInput): Finding {
  const meta = reportRules.find((r) => r.id === input.ruleId);
  return {
    severity: meta?.severity ?? 'error',
    object: null,
    location: null,
    cluster: null,
    remediation: meta?.remediation ?? '',
    docsUrl: docsUrl(input.ruleId),
    suppressed: null,
    ...input,
  };
}


export function runResult(input: Partial<Omit<RunResult, 'summary'>> = {}): RunResult {
  const findings = input.findings ?? [];
  return {
    capturedAt: new Date('2025-06-01T12:00:00Z'),
    target: null,
    cluster: null,
    skippedRules: [],
    gaps: [],
    skippedDocuments: 0,
    scanned: [],
    ...input,
    findings,
    summary: summarize(findings),
  };
}

const manifests = 'fixtures/demo/etc/kubernetes/manifests';

export const fileFindings: Finding[] = [
  finding({
    ruleId: 'control-plane-version-skew',
    message: 'kube-controller-manager v1.28.9 is 2 minors older than kube-apiserver v1.30.2; allowed: v1.29 to v1.30.',
    object: { apiVersion: 'v1', kind: 'Pod', namespace: 'kube-system', name: 'kube-controller-manager' },
    location: { file: `${manifests}/kube-controller-manager.yaml`, line: 31, column: 12 },
  }),
  finding({
    ruleId: 'unsupported-version',
    severity: 'warning',
    message: 'Kubernetes 1.30 reaches end of life on 2025-06-28, in 27 days.',
    object: { apiVersion: 'v1', kind: 'Pod', namespace: 'kube-system', name: 'kube-apiserver' },
    location: { file: `${manifests}/kube-apiserver.yaml`, line: 40, column: 12 },
  }),
  finding({
    ruleId: 'kubelet-version-skew',
    message: 'kubelet v1.26.15 on node worker-2 is 4 minors older than kube-apiserver v1.30.2; allowed: v1.27 to v1.30.',
    object: { apiVersion: 'v1', kind: 'Node', name: 'worker-2' },
    location: { file: 'fixtures/demo/nodes.yaml', line: 9, column: 3 },
  }),
  finding({
    ruleId: 'kubelet-version-skew',
    message: 'kubelet v1.31.0 on node worker-10 is newer than kube-apiserver v1.30.2; allowed: v1.27 to v1.30.',
    object: { apiVersion: 'v1', kind: 'Node', name: 'worker-10' },
    location: { file: 'fixtures/demo/nodes.yaml', line: 112, column: 3 },
  }),
  finding({
    ruleId: 'parse-error',
    message: 'Nested mappings are not allowed in compact mappings at line 4, column 9:\n\n  image: a: b\n        ^\n',
    location: { file: 'fixtures/demo/broken.yaml', line: 4, column: 9 },
  }),
];

export const liveFindings: Finding[] = [
  finding({
    ruleId: 'kubelet-version-skew',
    message: 'kubelet v1.26.15 on node ip-10-0-3-17.eu-west-1.compute.internal is 4 minors older than kube-apiserver v1.30.2; allowed: v1.27 to v1.30.',
    object: { apiVersion: 'v1', kind: 'Node', name: 'ip-10-0-3-17.eu-west-1.compute.internal' },
    cluster: 'prod-eu',
  }),
  finding({
    ruleId: 'control-plane-version-skew',
    severity: 'warning',
    message: 'kube-scheduler v1.29.6 is 1 minor older than kube-apiserver v1.30.2; allowed, but upgrade it before the next minor.',
    object: { apiVersion: 'v1', kind: 'Pod', namespace: 'kube-system', name: 'kube-scheduler-cp-1' },
    cluster: 'prod-eu',
  }),
];

export const flagFindings: Finding[] = [
  finding({
    ruleId: 'kubectl-version-skew',
    message: 'kubectl v1.27.1 (--kubectl-version) is 3 minors older than kube-apiserver v1.30.2; allowed: v1.29 to v1.31.',
    object: { kind: 'Component', name: 'kubectl' },
  }),
  finding({
    ruleId: 'release-data-outdated',
    message: 'The release table is 212 days older than --now (newest release 1.33.0 on 2025-04-23); kcheck may miss newer releases.',
  }),
];

const suppressedFindings: Finding[] = [
  finding({
    ruleId: 'kubelet-version-skew',
    message: 'kubelet v1.27.2 on node legacy-gpu-1 is 3 minors older than kube-apiserver v1.30.2; allowed: v1.27 to v1.30.',
    object: { apiVersion: 'v1', kind: 'Node', name: 'legacy-gpu-1' },
    location: { file: 'fixtures/demo/nodes.yaml', line: 200, column: 3 },
    suppressed: { kind: 'annotation', reason: 'GPU driver pinned until the Q3 hardware refresh' },
  }),
  finding({
    ruleId: 'kubectl-version-skew',
    severity: 'warning',
    message: 'kubectl v1.28.0 is 2 minors older than kube-apiserver v1.30.2; allowed: v1.29 to v1.31.',
    object: { kind: 'Component', name: 'kubectl' },
    cluster: 'prod-eu',
    suppressed: { kind: 'config', reason: 'the CI image ships its own kubectl' },
  }),
];

const targetSkipped: RunResult['skippedRules'] = [{ ruleId: 'upgrade-skips-minor', reason: 'needs an upgrade target (--target X.Y)' }];

export const fixtures = {
  files: runResult({
    findings: fileFindings,
    scanned: ['fixtures/demo'],
    skippedDocuments: 2,
    skippedRules: targetSkipped,
  }),
  live: runResult({
    cluster: 'prod-eu',
    target: '1.31',
    findings: liveFindings,
    scanned: ['prod-eu'],
  }),
  flags: runResult({ findings: flagFindings }),
  suppressed: runResult({
    findings: [...fileFindings.slice(2, 3), ...suppressedFindings],
    scanned: ['fixtures/demo/nodes.yaml'],
  }),
  mixed: runResult({
    cluster: 'prod-eu',
    findings: [...fileFindings, ...suppressedFindings, ...liveFindings, ...flagFindings],
    scanned: ['fixtures/demo', 'prod-eu'],
    skippedDocuments: 1,
    skippedRules: targetSkipped,
  }),
  incomplete: runResult({
    cluster: 'prod-eu',
    findings: liveFindings.slice(0, 1),
    scanned: ['prod-eu'],
    gaps: [{ what: 'prod-eu/pods', reason: 'pods is forbidden: User "ci-reader" cannot list resource "pods" in API group "" at the cluster scope' }],
    skippedRules: [{ ruleId: 'unsupported-version', reason: 'the scan could not read pods' }],
  }),
  incompleteClean: runResult({
    cluster: 'prod-eu',
    scanned: ['prod-eu'],
    gaps: [
      { what: 'prod-eu/nodes', reason: 'nodes is forbidden: User "ci-reader" cannot list resource "nodes"' },
      { what: 'prod-eu/pods', reason: 'the API server did not answer within 30s' },
    ],
  }),
  clean: runResult({
    scanned: ['fixtures/rules/kubelet-version-skew/pass-same-minor.yaml', 'fixtures/demo/nodes.yaml'],
    skippedRules: targetSkipped,
  }),
  /** The example in docs/json-format.md. */
  documented: runResult({
    target: '1.31',
    scanned: ['fixtures/demo'],
    skippedDocuments: 1,
    findings: [
      { ...fileFindings[2]!, remediation: 'Drain worker-2, upgrade its kubelet to v1.27 or later, then uncordon it.' },
      { ...suppressedFindings[0]!, remediation: 'Drain legacy-gpu-1, upgrade its kubelet to v1.27 or later, then uncordon it.' },
      finding({
        ruleId: 'kubectl-version-skew',
        message: 'kubectl v1.29.4 (--kubectl-version) is 2 minors older than the target v1.31; allowed: v1.30 to v1.32.',
        remediation: 'Install kubectl v1.30 or later: https://kubernetes.io/docs/tasks/tools/',
      }),
    ],
  }),
  allSuppressed: runResult({ findings: suppressedFindings.slice(0, 1), scanned: ['fixtures/demo/nodes.yaml'] }),
} satisfies Record<string, RunResult>;

export type FixtureName = keyof typeof fixtures;

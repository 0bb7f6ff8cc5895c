/**
 * The report tests' inputs: real scans of real fixture files, through the
 * CLI's own pipeline (src/cli/pipeline.ts) and the real rule registry, so
 * that every snapshot shows what a user of `kcheck scan` would see. Each
 * scenario says what it scans; the scans run once per test file, at a fixed
 * capture time, with paths relative to the repository root.
 *
 * Tests of a formatter's limits and escaping (hostile text, thousands of
 * findings) build findings by hand with `finding()`; nothing that is
 * snapshotted does.
 */
import { rules as registry } from '../../rules/index.js';
import { reportContext } from '../../src/cli/output.js';
import { scan, type Scan, type ScanRequest } from '../../src/cli/pipeline.js';
import { docsUrl } from '../../src/engine/docs-url.js';
import { summarize } from '../../src/engine/run.js';
import type { Finding, RunResult } from '../../src/engine/types.js';
import type { ReportContext } from '../../src/report/types.js';
import { FIXTURE_NOW } from '../helpers/fixture-args.js';
import { repoRoot } from './demo-scan.js';
import { startLiveCluster, type LiveClusterOptions } from './live-cluster.js';

/** The kubeconfig context the live scenarios read: findings about its objects carry this name. */
export const CLUSTER = 'prod-eu';

/** Config files of the scenarios that need one (suppressions, rule options). */
const CONFIGS = 'test/report/configs';

interface Scenario {
  /** What a reviewer should expect of the snapshot. */
  what: string;
  /** What `kcheck scan` is asked (paths relative to the repository root); `--now` and `--config /dev/null` unless given. */
  request: Partial<ScanRequest>;
  /** A cluster read through the API (context CLUSTER) serving these fixture files' objects. */
  live?: Omit<LiveClusterOptions, 'context'>;
}

const SCENARIOS = {
  clean: {
    what: 'two fixtures no rule fires on; the etcd rules that need --root or --backups are skipped',
    request: { paths: ['fixtures/rules/etcd-data-dir-mismatch/pass-kubeadm-default.yaml', 'fixtures/rules/unsupported-version/pass-supported-minor.yaml'] },
  },
  files: {
    what: "files of the demo cluster's dump: skew, end of life, an unknown version, a parse error, a values file that is not Kubernetes, an ignore annotation without a reason",
    request: {
      paths: [
        'fixtures/demo/cluster/control-plane-pods.yaml',
        'fixtures/demo/cluster/nodes.yaml',
        'fixtures/demo/cluster/broken.yaml',
        'fixtures/demo/cluster/helm-values.yaml',
        'fixtures/demo/cluster/controlplane-2-etcd.yaml',
      ],
    },
  },
  flags: {
    what: 'findings from --kubectl-version and the release table: no file, no cluster',
    request: {
      paths: ['fixtures/rules/unsupported-version/pass-supported-minor.yaml'],
      kubectlVersion: 'v1.33.0',
      config: `${CONFIGS}/flags.kcheck.yaml`,
    },
  },
  live: {
    what: 'a cluster read through the API: findings name the context and the object, not a file',
    request: {},
    live: {
      files: ['fixtures/rules/kubelet-version-skew/fail-kubelet-four-minors-behind.yaml', 'fixtures/rules/control-plane-version-skew/fail-controller-manager-two-behind.yaml'],
    },
  },
  suppressed: {
    what: 'one finding suppressed by an ignore.kcheck.io annotation, one by the config, one left',
    request: { paths: ['fixtures/rules/ignore-without-reason/pass-reason-given.yaml'], config: `${CONFIGS}/suppressed.kcheck.yaml` },
  },
  allSuppressed: {
    what: 'every finding suppressed, by annotation or by the config',
    request: { paths: ['fixtures/rules/ignore-without-reason/pass-reason-given.yaml'], config: `${CONFIGS}/all-suppressed.kcheck.yaml` },
  },
  mixed: {
    what: "a repository's manifests and the live cluster in one scan, with --kubectl-version and a config: files, the cluster, suppressions, skipped rules and documents",
    request: {
      paths: [
        'fixtures/demo/cluster/broken.yaml',
        'fixtures/demo/cluster/helm-values.yaml',
        'fixtures/demo/cluster/controlplane-2-etcd.yaml',
        'fixtures/demo/cluster/legacy-apis.yaml',
      ],
      kubectlVersion: 'v1.31.4',
      config: `${CONFIGS}/mixed.kcheck.yaml`,
    },
    live: {
      files: ['fixtures/rules/ignore-without-reason/pass-reason-given.yaml', 'fixtures/rules/control-plane-version-skew/fail-controller-manager-two-behind.yaml'],
    },
  },
  incomplete: {
    what: 'a live scan whose identity may not list PodDisruptionBudgets: findings, the gap, and the rules it skips',
    request: {},
    live: { files: ['fixtures/rules/kubelet-version-skew/fail-kubelet-four-minors-behind.yaml'], forbidden: ['poddisruptionbudgets'] },
  },
  incompleteClean: {
    what: 'a live scan that may list neither nodes nor pods: no finding, and not clean',
    request: {},
    live: { files: ['fixtures/rules/unsupported-version/pass-supported-minor.yaml'], forbidden: ['nodes', 'pods'] },
  },
  /** The example in docs/json-format.md. */
  documented: {
    what: 'one fixture with --target and --kubectl-version, one finding suppressed by annotation',
    request: { paths: ['fixtures/rules/ignore-without-reason/pass-reason-given.yaml'], target: '1.34', kubectlVersion: 'v1.31.4' },
  },
} satisfies Record<string, Scenario>;

export type FixtureName = keyof typeof SCENARIOS;

/** How a scenario is scanned, as `kcheck scan` would be asked. */
function scenarioRequest(name: FixtureName, live?: { kubeconfig: string }): ScanRequest {
  const { request } = SCENARIOS[name] as Scenario;
  return {
    paths: [],
    now: FIXTURE_NOW,
    config: '/dev/null',
    ...request,
    ...(live ? { live: { kubeconfig: live.kubeconfig, contexts: [CLUSTER] } } : {}),
    cwd: repoRoot,
  };
}

async function scanScenario(name: FixtureName): Promise<Scan> {
  const { live } = SCENARIOS[name] as Scenario;
  if (!live) return scan(scenarioRequest(name));
  const cluster = await startLiveCluster({ context: CLUSTER, ...live });
  try {
    return await scan(scenarioRequest(name, cluster));
  } finally {
    await cluster.close();
  }
}

const names = Object.keys(SCENARIOS) as FixtureName[];

/** What a scenario scans and what its snapshot should show, in a few words. */
export function scenarioWhat(name: FixtureName): string {
  return SCENARIOS[name].what;
}

/** Every scenario, scanned. */
export const scans = Object.fromEntries(await Promise.all(names.map(async (name) => [name, await scanScenario(name)] as const))) as Record<
  FixtureName,
  Scan
>;

/** What each scan found: the RunResult the formatters are given. */
export const fixtures = Object.fromEntries(names.map((name) => [name, scans[name].result])) as Record<FixtureName, RunResult>;

interface ContextOptions {
  color?: boolean;
  /** `--sarif-anchor`; without it the CLI's default (the config file, else the first input). */
  sarifAnchor?: string;
  cwd?: string;
}

/** The context the CLI gives `--format FORMAT` for the scenario's scan (src/cli/output.ts reportContext). */
export function contextFor(name: FixtureName, format = 'text', options: ContextOptions = {}): ReportContext {
  const { color = false, ...output } = options;
  return reportContext(scans[name], { format, cwd: repoRoot, ...output }, color);
}

/** The real rule registry, as every report lists it. */
export const reportRules = registry;

/**
 * A context for findings made by hand: the real registry and rule docs, as
 * the CLI builds them for a scan with the default config, without a SARIF
 * anchor unless one is given.
 */
export function context(overrides: Partial<ReportContext> = {}): ReportContext {
  const { sarifAnchor: _none, ...base } = contextFor('clean', 'sarif');
  return { ...base, ...overrides };
}

type FindingInput = Pick<Finding, 'ruleId' | 'message'> & Partial<Finding>;

/** A finding made by hand, for tests of escaping and limits: the rule's severity, remediation and docs from the registry. */
export function finding(input: FindingInput): Finding {
  const meta = registry.find((r) => r.id === input.ruleId);
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

/** A result around findings made by hand, captured when the scenarios are. */
export function runResult(input: Partial<Omit<RunResult, 'summary'>> = {}): RunResult {
  const findings = input.findings ?? [];
  return {
    capturedAt: new Date(FIXTURE_NOW),
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

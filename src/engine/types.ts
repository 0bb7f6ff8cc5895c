import type { ClusterModel, ModelPart, Node, ObjectRef, Subject } from '../model/types.js';

export type Severity = 'error' | 'warning' | 'info';
export type SeveritySetting = Severity | 'off';
/** `--fail-on` and `failOn:`: the lowest severity that makes the exit code 1, or never. */
export const FAIL_ON_CHOICES = ['error', 'warning', 'info', 'never'] as const;
export type FailOn = (typeof FAIL_ON_CHOICES)[number];

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

export type RuleCategory = 'versions' | 'upgrade' | 'drain' | 'etcd' | 'backups' | 'certificates' | 'apis' | 'input';

/** What a rule's check returns: what is wrong and about which object. */
export interface Report {
  subject: Subject;
  message: string;
  /** A rule may grade its own findings (e.g. stale vs. very stale); user config still wins. */
  severity?: Severity;
  /** Replaces the rule's remediation when the fix depends on the finding. */
  remediation?: string;
}

/**
 * What a rule judges, which tells the upgrade planner when to ask it:
 * `input` rules judge what was read (parse errors, suppressions) and are asked
 * once; `cluster` rules judge the cluster's state and are asked again after
 * each step of a plan; `drain` rules judge one drain of one node and are asked
 * at each drain the plan makes.
 */
type RuleJudges = 'input' | 'cluster' | 'drain';

export interface RuleMeta<Options> {
  id: string;
  description: string;
  category: RuleCategory;
  judges: RuleJudges;
  severity: Severity;
  remediation: string;
  /** JSON schema of the options object (validated with the config). */
  optionsSchema?: Record<string, unknown>;
  defaultOptions: Options;
  /** Parts of the model the rule reads; a scan gap in one of them skips the rule. */
  needs: ModelPart[];
  /** Whether the rule only makes sense with an upgrade target (`--target`). */
  needsTarget?: boolean;
}

export interface Rule<Options = Record<string, unknown>> extends RuleMeta<Options> {
  /** Why the rule cannot judge this model (e.g. no kubeadm version known); reported as skipped. */
  skipIf?(model: ClusterModel): string | null;
  check(model: ClusterModel, options: Options): Report[];
  /**
   * The part of the check about one node, when the rule has one (`check`
   * then judges the rest). What it reports for a node may depend only on that
   * node (its object, its components) and on what another node's upgrade
   * leaves as it was (the control plane, the target, the capture time): the
   * upgrade planner asks it again only for the node whose turn it is.
   */
  checkNode?(model: ClusterModel, node: Node, options: Options): Report[];
}

export interface Location {
  file: string;
  line: number;
  column: number;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  object: ObjectRef | null;
  location: Location | null;
  /** Cluster (context) the object was read from, for live findings. */
  cluster: string | null;
  remediation: string;
  docsUrl: string;
  suppressed: { kind: 'annotation' | 'config'; reason: string } | null;
}

export interface SkippedRule {
  ruleId: string;
  reason: string;
}

export interface Summary {
  error: number;
  warning: number;
  info: number;
  suppressed: number;
}

export interface RunResult {
  capturedAt: Date;
  target: string | null;
  cluster: string | null;
  findings: Finding[];
  skippedRules: SkippedRule[];
  /** Non-empty when the scan could not see everything (exit code 2). */
  gaps: { what: string; reason: string }[];
  /** Documents that parsed but were not Kubernetes, counted in reports. */
  skippedDocuments: number;
  scanned: string[];
  summary: Summary;
}

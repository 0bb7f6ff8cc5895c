import type { ClusterModel, ObjectRef, Subject } from '../model/types.js';
import type { ModelPart } from '../sources/types.js';

export type Severity = 'error' | 'warning' | 'info';
export type SeveritySetting = Severity | 'off';
export type FailOn = Severity | 'never';

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

export type RuleCategory = 'versions' | 'upgrade' | 'drain' | 'etcd' | 'certificates' | 'apis' | 'input';

/** What a rule's check returns: what is wrong and about which object. */
export interface Report {
  subject: Subject;
  message: string;
  /** A rule may grade its own findings (e.g. stale vs. very stale); user config still wins. */
  severity?: Severity;
  /** Replaces the rule's remediation when the fix depends on the finding. */
  remediation?: string;
}

export interface RuleMeta<Options> {
  id: string;
  description: string;
  category: RuleCategory;
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

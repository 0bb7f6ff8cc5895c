import type { RuleMeta, RunResult } from '../engine/types.js';
import type { UpgradePlan } from '../plan/plan.js';
import type { BackupsView } from '../views/backups.js';
import type { DrainReadiness } from '../views/drain-readiness.js';
import type { SkewPicture } from '../views/skew-picture.js';

/** What a formatter knows besides the result; the CLI builds it. */
export interface ReportContext {
  /** Every registered rule, for SARIF `rules[]` and rule help. */
  rules: RuleMeta<unknown>[];
  /** Rule id -> the markdown of `rules/<id>.md`, for SARIF `help.markdown`. */
  ruleDocs?: Map<string, string>;
  toolVersion: string;
  /** Decided by the CLI from the TTY, NO_COLOR and FORCE_COLOR. */
  color: boolean;
  /** Repository-relative file that SARIF results without a file are anchored to. */
  sarifAnchor?: string;
  /** Directory SARIF artifact URIs are made relative to (the repository root). */
  cwd?: string;
  /** SARIF `automationDetails.id` (the code scanning category); ends with `/`. */
  sarifCategory?: string;
  /** Ids of the rules the configuration leaves on; all of `rules` when not given. */
  enabledRules?: string[];
  /** The version-skew picture of the scanned cluster, for reports that draw it (html). */
  skew?: SkewPicture;
  /** Per node, what stands in the way of a drain, for reports that draw it (html). */
  drainReadiness?: DrainReadiness;
  /** Every backup read (etcd snapshots, resource dumps, Velero Backups) with its age and verdict, for reports that list them (markdown, html). */
  backups?: BackupsView;
  /** The upgrade plan to the target, for reports that show it (markdown, html). */
  plan?: UpgradePlan;
  /** Why no plan to the target could be made (no kube-apiserver version known, a target below the control plane). */
  planNotMade?: string;
}

/** A report format: pure, from a run's result to the text written out. */
export type Formatter = (result: RunResult, context: ReportContext) => string;

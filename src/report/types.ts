import type { RuleMeta, RunResult } from '../engine/types.js';

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
}

/** A report format: pure, from a run's result to the text written out. */
export type Formatter = (result: RunResult, context: ReportContext) => string;

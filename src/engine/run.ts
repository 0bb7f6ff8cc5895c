import type { ClusterModel, Subject } from '../model/types.js';
import type { Config } from './config.js';
import { optionsFor, severityFor } from './config.js';
import { docsUrl } from './docs-url.js';
import { suppression } from './suppress.js';
import type { FailOn, Finding, Location, Rule, RunResult, Severity, SkippedRule, Summary } from './types.js';
import { SEVERITY_RANK } from './types.js';
import { minorOf } from '../model/version.js';

function locationOf(subject: Subject): Location | null {
  const p = subject.provenance;
  return p?.type === 'file' ? { file: p.file, line: p.line, column: p.column } : null;
}

function clusterOf(subject: Subject, model: ClusterModel): string | null {
  const p = subject.provenance;
  if (p?.type === 'live') return p.cluster;
  return p?.type === 'file' ? null : model.cluster;
}

/** Why a rule cannot run on this model, if it cannot. */
function skipReason(rule: Rule<any>, model: ClusterModel): string | null {
  const missing = rule.needs.filter((part) => model.incomplete.has(part));
  if (missing.length > 0) {
    // A gap may say in the operator's words why (e.g. "etcd not found on this node").
    const said = model.gaps.find((g) => g.skipReason && g.affects?.some((part) => missing.includes(part)));
    return said?.skipReason ?? `the scan could not read ${missing.join(', ')}`;
  }
  return rule.skipIf?.(model) ?? null;
}

export function summarize(findings: Finding[]): Summary {
  const summary: Summary = { error: 0, warning: 0, info: 0, suppressed: 0 };
  for (const f of findings) {
    if (f.suppressed) summary.suppressed += 1;
    else summary[f.severity] += 1;
  }
  return summary;
}

/** The order findings are reported in: by place, then cluster, severity, rule and message. */
export const compareFindings = (a: Finding, b: Finding): number =>
  (a.location?.file ?? '\uffff').localeCompare(b.location?.file ?? '\uffff') ||
  (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
  (a.location?.column ?? 0) - (b.location?.column ?? 0) ||
  (a.cluster ?? '').localeCompare(b.cluster ?? '') ||
  SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
  a.ruleId.localeCompare(b.ruleId) ||
  a.message.localeCompare(b.message);

/**
 * Runs every enabled rule on the model and stamps what each reports with the
 * rule id, severity, location, remediation and docs URL. `sorted: false`
 * leaves the findings in rule order, for a caller that sorts only the few it
 * keeps (the planner, at every step: the sort is stable, so a sorted part of
 * them is in the order the whole would have had).
 */
export function run(model: ClusterModel, rules: Rule<any>[], config: Config, { sorted = true }: { sorted?: boolean } = {}): RunResult {
  const findings: Finding[] = [];
  const skippedRules: SkippedRule[] = [];
  for (const rule of rules) {
    const configured = severityFor(rule, config);
    if (configured === 'off') continue;
    // Upgrade rules without a target are not applicable, not skipped.
    if (rule.needsTarget && !model.target) continue;
    const reason = skipReason(rule, model);
    if (reason) {
      skippedRules.push({ ruleId: rule.id, reason });
      continue;
    }
    const userSeverity = config.rules[rule.id]?.severity;
    for (const report of rule.check(model, optionsFor(rule, config))) {
      const severity: Severity = userSeverity && userSeverity !== 'off' ? userSeverity : report.severity ?? rule.severity;
      const finding: Finding = {
        ruleId: rule.id,
        severity,
        message: report.message,
        object: report.subject.ref,
        location: locationOf(report.subject),
        cluster: clusterOf(report.subject, model),
        remediation: report.remediation ?? rule.remediation,
        docsUrl: docsUrl(rule.id),
        suppressed: null,
      };
      finding.suppressed = suppression(finding, report.subject.annotations, config.ignore);
      findings.push(finding);
    }
  }
  if (sorted) findings.sort(compareFindings);
  return {
    capturedAt: model.capturedAt,
    target: model.target ? minorOf(model.target) : null,
    cluster: model.cluster,
    findings,
    skippedRules,
    gaps: model.gaps.map((g) => ({ what: g.what, reason: g.reason })),
    skippedDocuments: model.skipped.length,
    scanned: model.scanned,
    summary: summarize(findings),
  };
}

/** Whether a finding of this severity fails the run under `--fail-on`. */
export function reachesFailOn(severity: Severity, failOn: FailOn): boolean {
  return failOn !== 'never' && SEVERITY_RANK[severity] >= SEVERITY_RANK[failOn];
}

/** 0: nothing at or above failOn; 1: findings at or above it; 2: the scan could not see everything. */
export function exitCode(result: RunResult, failOn: FailOn, allowIncomplete = false): 0 | 1 | 2 {
  if (result.gaps.length > 0 && !allowIncomplete) return 2;
  return result.findings.some((f) => !f.suppressed && reachesFailOn(f.severity, failOn)) ? 1 : 0;
}

import type { ClusterModel, Subject } from '../model/types.js';
import { nodeNamesInOrder, nodesCalled } from '../model/cluster-index.js';
import type { Config } from './config.js';
import { optionsFor, severityFor } from './config.js';
import { docsUrl } from './docs-url.js';
import { suppression } from './suppress.js';
import type { FailOn, Finding, Location, Report, Rule, RunResult, Severity, SkippedRule, Summary } from './types.js';
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

/** The rule's report as a finding: rule id, severity (the user's wins), location, remediation, docs URL, suppression. */
function stamp(rule: Rule<any>, report: Report, model: ClusterModel, config: Config): Finding {
  const userSeverity = config.rules[rule.id]?.severity;
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
  return finding;
}

/** Everything the rule reports about the model: its check, then its node part for each node in the list's order. */
export function reportsOf<Options>(rule: Rule<Options>, model: ClusterModel, options: Options): Report[] {
  const reports = rule.checkNode ? [...rule.check(model, options)] : rule.check(model, options);
  if (rule.checkNode) for (const node of model.nodes) reports.push(...rule.checkNode(model, node, options));
  return reports;
}

/** Whether the rule is asked at all: enabled, and (for upgrade rules) given a target. */
const asked = (rule: Rule<any>, model: ClusterModel, config: Config): boolean =>
  severityFor(rule, config) !== 'off' && !(rule.needsTarget && !model.target);

/** The rule's node part for every node object of that name (nodesCalled: no scan of the node list per name). */
function nodePart(rule: Rule<any>, model: ClusterModel, config: Config, name: string): Finding[] {
  const options = optionsFor(rule, config);
  return nodesCalled(model, name).flatMap((n) => rule.checkNode!(model, n, options).map((r) => stamp(rule, r, model, config)));
}

function result(model: ClusterModel, findings: Finding[], skippedRules: SkippedRule[]): RunResult {
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
    if (!asked(rule, model, config)) continue;
    const reason = skipReason(rule, model);
    if (reason) {
      skippedRules.push({ ruleId: rule.id, reason });
      continue;
    }
    for (const report of reportsOf(rule, model, optionsFor(rule, config))) findings.push(stamp(rule, report, model, config));
  }
  if (sorted) findings.sort(compareFindings);
  return result(model, findings, skippedRules);
}

/**
 * The rules asked again and again about a cluster that changes one node at a
 * time (the upgrade planner's states). A rule's node part (Rule.checkNode) is
 * remembered per node name; after a node's turn only that node's part is
 * asked again, the others' are kept, so a step costs the rules' cluster parts
 * plus one node's parts, not every node's (O(nodes) per step, O(nodes²) per
 * plan, before). Findings are left unsorted, as `run` with `sorted: false`.
 */
export class RuleRunner {
  /** Rule id → node name → the findings of its node part there. */
  private readonly parts = new Map<string, Map<string, Finding[]>>();

  constructor(private readonly rules: Rule<any>[], private readonly config: Config) {}

  /** Every rule on the model, every node part asked anew. */
  all(model: ClusterModel): Finding[] {
    this.parts.clear();
    return this.judge(model, null);
  }

  /**
   * The rules on a model that differs from the last one asked only in `node`
   * (its object, its components) and in what no node part reads (pods, the
   * cluster parts' inputs): the other nodes' parts are as they were.
   */
  afterTurnOf(model: ClusterModel, node: string): Finding[] {
    return this.judge(model, node);
  }

  private judge(model: ClusterModel, changed: string | null): Finding[] {
    const findings: Finding[] = [];
    for (const rule of this.rules) {
      if (!asked(rule, model, this.config) || skipReason(rule, model)) {
        this.parts.delete(rule.id);
        continue;
      }
      for (const report of rule.check(model, optionsFor(rule, this.config))) findings.push(stamp(rule, report, model, this.config));
      if (!rule.checkNode) continue;
      let parts = this.parts.get(rule.id);
      if (!parts || changed === null) {
        parts = new Map();
        for (const n of model.nodes) if (!parts.has(n.name)) parts.set(n.name, nodePart(rule, model, this.config, n.name));
        this.parts.set(rule.id, parts);
      } else {
        parts.set(changed, nodePart(rule, model, this.config, changed));
      }
      // In the order of the node list, as `run` gives them.
      for (const name of nodeNamesInOrder(model)) findings.push(...(parts.get(name) ?? []));
    }
    return findings;
  }
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

import type { Finding } from '../engine/types.js';
import { formatVersion, minorOf } from '../model/version.js';
import { drainVerdict } from './drain.js';
import { paint } from './ansi.js';
import { objectLabel, plural } from './describe.js';
import { stepFindings, type PlanStep, type UpgradePlan } from '../plan/plan.js';
import { SEVERITY_RANK, type Severity } from '../engine/types.js';
import { jsonText } from './escape-json.js';
import { markdownFence, markdownText, mermaidLabel } from './escape-markdown.js';
import { terminalText } from './escape-terminal.js';
import { groupBy } from '../model/cluster-index.js';

/** How a value from the cluster is written in the format at hand. */
type Escape = (text: string) => string;

const SYMBOL: Record<Severity, string> = { error: '✖', warning: '⚠', info: 'ℹ' };

type StepFinding = ReturnType<typeof stepFindings>[number];

function worst(step: PlanStep): Severity | null {
  return stepFindings(step)
    .filter((f) => !f.lifetime.transient)
    .reduce<Severity | null>((w, f) => (w === null || SEVERITY_RANK[f.finding.severity] > SEVERITY_RANK[w] ? f.finding.severity : w), null);
}

const until = ({ lifetime }: StepFinding): string =>
  lifetime.clearedAt === null ? '' : lifetime.transient ? ` (passing: step ${lifetime.clearedAt} clears it)` : ` (until step ${lifetime.clearedAt})`;

function headline(plan: UpgradePlan, esc: Escape): string {
  const minors = plan.rounds.filter((r) => !r.catchUp).map((r) => r.minor);
  return (
    `Upgrade plan: ${esc(formatVersion(plan.from))} → ${minorOf(plan.to)}` +
    (minors.length > 0 ? ` (${plural(minors.length, 'minor')}: ${minors.join(', ')})` : '') +
    `; control plane: ${plan.controlPlaneNodes.map(esc).join(', ') || 'unknown nodes'}; workers: ${plan.workers.map(esc).join(', ') || 'none'}`
  );
}

function orderLines(plan: UpgradePlan, esc: Escape): string[] {
  return plan.rounds.flatMap((r) => {
    const o = r.workerOrder;
    if (!o || o.order.length === 0) return [];
    const label = r.catchUp ? `catch-up to ${r.minor}` : r.minor;
    const verdict = o.keepsEveryWorkloadAvailable
      ? 'keeps every workload available'
      : `no order keeps every workload available (${o.searched}); best found still loses: ${o.losses.map(esc).join('; ')}`;
    return [`Worker order for ${label}: ${o.order.map(esc).join(' → ')} — ${verdict}`];
  });
}

const findingLine = ({ finding: f }: StepFinding): string =>
  `${SYMBOL[f.severity]} ${f.severity} ${f.ruleId}: ${terminalText(`${f.object ? `${objectLabel(f.object)}: ` : ''}${f.message}`)}`;

function stepBlock(step: PlanStep, color: boolean): string[] {
  const c = paint(color);
  const out = [c.bold(`${String(step.number).padStart(2)}. ${terminalText(step.title)}`)];
  for (const block of step.blocks) {
    out.push(`    on ${terminalText(block.on)}:`);
    for (const command of block.commands) out.push(`      ${terminalText(command)}`);
  }
  if (step.drain) {
    out.push(`    drain: ${terminalText(drainVerdict(step.drain))}`);
    if (step.drain.lostByCommand.length > 0) {
      const lost = step.drain.lostByCommand.map((p) => terminalText(`${p.namespace}/${p.name}`)).join(', ');
      out.push(`    ${c.red(`deletes for good: ${lost}`)}; safe instead: ${terminalText(step.drain.safeAlternative ?? '')}`);
    }
  }
  for (const f of stepFindings(step)) {
    const style = f.lifetime.transient ? c.dim : f.finding.severity === 'error' ? c.red : f.finding.severity === 'warning' ? c.yellow : c.blue;
    out.push(`    ${style(findingLine(f) + until(f))}`);
  }
  for (const f of step.resolved) out.push(`    ${c.green(`✔ clears ${f.ruleId}: ${terminalText(f.message)}`)}`);
  return out;
}

/** The plan as text: each minor's steps with their commands and what each would trigger. */
export function formatPlanText(plan: UpgradePlan, color = false): string {
  const out = [headline(plan, terminalText), ...orderLines(plan, terminalText), ...plan.notes.map((n) => `Note: ${terminalText(n)}`)];
  let minor: string | null = null;
  for (const step of plan.steps) {
    if (step.minor !== minor && step.kind !== 'preflight') {
      minor = step.minor;
      out.push('', `── ${step.kind === 'node' || step.kind === 'control-plane-node' ? stepRoundLabel(plan, step) : minor} ──`);
    } else if (step.kind === 'preflight') {
      out.push('');
      minor = step.minor;
    }
    out.push(...stepBlock(step, color));
  }
  const counts = summary(plan);
  out.push('', `${plural(plan.steps.length - 1, 'step')}; the steps trigger ${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info} info`);
  return `${out.join('\n')}\n`;
}

function stepRoundLabel(plan: UpgradePlan, step: PlanStep): string {
  const round = plan.rounds.find((r) => r.minor === step.minor);
  return round?.catchUp ? `catch-up: kubelets to ${step.minor}` : step.minor;
}

/** Findings the steps trigger, by severity; passing states kubeadm's procedure clears within the round are not counted. */
function summary(plan: UpgradePlan): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const step of plan.steps) for (const f of stepFindings(step)) if (!f.lifetime.transient) counts[f.finding.severity] += 1;
  return counts;
}

const jsonFinding = (f: Finding) => ({
  ruleId: f.ruleId,
  severity: f.severity,
  message: f.message,
  object: f.object ? { kind: f.object.kind, namespace: f.object.namespace ?? null, name: f.object.name } : null,
  location: f.location ? { ...f.location } : null,
  remediation: f.remediation,
  docsUrl: f.docsUrl,
});

/** The plan as plain data. */
function planJson(plan: UpgradePlan) {
  return {
    from: formatVersion(plan.from),
    to: minorOf(plan.to),
    controlPlaneNodes: [...plan.controlPlaneNodes],
    workers: [...plan.workers],
    rounds: plan.rounds.map((r) => ({
      minor: r.minor,
      catchUp: r.catchUp,
      workerOrder: r.workerOrder
        ? { order: [...r.workerOrder.order], keepsEveryWorkloadAvailable: r.workerOrder.keepsEveryWorkloadAvailable, losses: [...r.workerOrder.losses], searched: r.workerOrder.searched }
        : null,
    })),
    steps: plan.steps.map((s) => ({
      number: s.number,
      minor: s.minor,
      kind: s.kind,
      title: s.title,
      node: s.node,
      commands: s.blocks.map((b) => ({ on: b.on, commands: [...b.commands] })),
      drain: s.drain ? { outcome: s.drain.outcome, verdict: drainVerdict(s.drain), command: s.drain.command, lostByCommand: s.drain.lostByCommand.map((p) => `${p.namespace}/${p.name}`) } : null,
      findings: stepFindings(s).map((f) => ({ ...jsonFinding(f.finding), clearedAt: f.lifetime.clearedAt, transient: f.lifetime.transient })),
      resolved: s.resolved.map((f) => ({ ruleId: f.ruleId, message: f.message })),
    })),
    notes: [...plan.notes],
    summary: summary(plan),
  };
}

export function formatPlanJson(plan: UpgradePlan): string {
  return `${jsonText(planJson(plan))}\n`;
}

const label = mermaidLabel;

/** A Mermaid flowchart of the steps, one subgraph per minor; steps with errors red, with warnings amber. */
export function planMermaid(plan: UpgradePlan): string {
  const lines = ['flowchart TD'];
  const groups = groupBy(plan.steps, (step) => (step.kind === 'preflight' ? 'now' : `${stepRoundLabel(plan, step)}`));
  let g = 0;
  for (const [name, steps] of groups) {
    lines.push(`  subgraph g${g}["${label(name === 'now' ? 'before the upgrade' : name)}"]`);
    for (const step of steps) lines.push(`    s${step.number}["${label(`${step.number}. ${step.title}`)}"]`);
    lines.push('  end');
    g += 1;
  }
  // Edges after every subgraph: a node belongs to the subgraph it is first named in.
  for (const step of plan.steps.slice(1)) lines.push(`  s${step.number - 1} --> s${step.number}`);
  const bySeverity = (sev: Severity) => plan.steps.filter((s) => worst(s) === sev).map((s) => `s${s.number}`);
  lines.push('  classDef error fill:#ffd7d5,stroke:#cf222e', '  classDef warning fill:#fff1c2,stroke:#bf8700');
  const errors = bySeverity('error');
  const warnings = bySeverity('warning');
  if (errors.length > 0) lines.push(`  class ${errors.join(',')} error`);
  if (warnings.length > 0) lines.push(`  class ${warnings.join(',')} warning`);
  return lines.join('\n');
}

/** Markdown for a job summary or a change ticket: the diagram, then each step with its commands and findings. */
export function formatPlanMarkdown(plan: UpgradePlan): string {
  const md = (text: string): string => markdownText(text);
  const out = [`## ${headline(plan, md).replace(/^Upgrade plan: /, 'Upgrade plan ')}`, ''];
  for (const line of [...orderLines(plan, md), ...plan.notes.map((n) => `Note: ${md(n)}`)]) out.push(`- ${line}`);
  out.push('', '```mermaid', planMermaid(plan), '```', '');
  for (const step of plan.steps) {
    out.push(`### ${step.number}. ${md(step.title)}`, '');
    for (const block of step.blocks) {
      out.push(`On ${md(block.on)}:`, '', ...markdownFence(block.commands, 'sh'), '');
    }
    if (step.drain) out.push(`Drain: ${md(drainVerdict(step.drain))}`, '');
    for (const item of stepFindings(step)) {
      const f = item.finding;
      out.push(`- ${SYMBOL[f.severity]} **${f.severity}** \`${f.ruleId}\`: ${md(`${f.object ? `${objectLabel(f.object)}: ` : ''}${f.message}`)}${until(item)}`);
    }
    for (const f of step.resolved) out.push(`- ✔ clears \`${f.ruleId}\`: ${md(f.message)}`);
    if (step.findings.length + step.resolved.length > 0) out.push('');
  }
  const counts = summary(plan);
  out.push(`${plural(plan.steps.length - 1, 'step')}; the steps trigger ${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info} info.`);
  return `${out.join('\n')}\n`;
}

import { drainCommand } from '../predict/drain-command.js';
import { type DrainPrediction, type DrainRunPrediction, type PodFate } from '../predict/drain-types.js';
import { podName } from '../predict/describe.js';
import { paint, type Paint } from './ansi.js';
import { plural } from './describe.js';
import { terminalText as t } from './escape-terminal.js';

function destinationCell(fate: PodFate): string {
  const d = fate.destination;
  if (!d) return fate.action === 'delete-forever' ? 'none: nothing recreates it' : '-';
  if (d.node === null) return `nowhere: ${d.message}`;
  return d.capacityChecked ? d.node : `${d.node} (allocatable unknown)`;
}

/** One line on how the drain of one node ends. */
export function drainVerdict(p: DrainPrediction): string {
  if (!p.nodeFound) return `no node ${p.node} in the input`;
  const refused = p.fates.filter((f) => f.end === 'refused').length;
  if (p.outcome === 'stops' && refused > 0) {
    return `drain stops: ${plural(refused, 'pod')} refused, so nothing is evicted and ${p.node} stays cordoned`;
  }
  const evicted = p.fates.filter((f) => (f.action === 'evict' || f.action === 'delete') && f.end === 'gone').length;
  const lost = p.fates.filter((f) => f.action === 'delete-forever' && f.end === 'gone').length;
  const verb = p.flags.dryRun ? (p.flags.disableEviction ? 'deleted (dry run)' : 'evicted (dry run)') : p.flags.disableEviction ? 'deleted' : 'evicted';
  const tail = [
    `${plural(evicted, 'pod')} ${verb}`,
    ...(lost > 0 ? [`${plural(lost, 'pod')} deleted for good`] : []),
    ...(p.unplaced.length > 0 ? [`${plural(p.unplaced.length, 'pod')} left Pending (no room elsewhere)`] : []),
  ].join(', ');
  if (p.outcome === 'completes') return `drain completes: ${tail}`;
  if (p.outcome === 'hangs') return `drain hangs: ${p.outcomeReason} (${tail})`;
  if (p.outcome === 'stops') return `drain stops: ${p.outcomeReason} (${tail})`;
  return `cannot tell whether the drain completes: ${p.outcomeReason}`;
}

/** One line on how the whole `kubectl drain` ends, for several nodes. */
export function drainRunVerdict(run: DrainRunPrediction): string {
  if (run.nodes.length === 1) return drainVerdict(run.nodes[0]!);
  const word = { completes: 'drain completes', stops: 'drain stops', hangs: 'drain hangs', unknown: 'cannot tell whether the drain completes' }[run.outcome];
  return `${word}: ${run.outcomeReason}`;
}

/** What a gate reads: the outcome and kubectl's exit status. */
function outcomeLine(run: DrainRunPrediction): string {
  const exit = run.exitCode === 0 ? 'kubectl exits 0' : run.outcome === 'hangs' ? 'kubectl never returns' : run.outcome === 'stops' ? 'kubectl exits 1' : 'kcheck cannot tell';
  return `Outcome: ${run.outcome} (${exit}; kcheck drain exits ${run.exitCode})`;
}

function table(rows: string[][], p: Paint): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('   ').trimEnd())
    .map((line, r) => (r === 0 ? p.bold(line) : line));
}

const ACTION_STYLE: Record<PodFate['action'], keyof Paint | null> = {
  evict: null,
  delete: null,
  skip: 'dim',
  refuse: 'red',
  'delete-forever': 'red',
};

/** The pod-by-pod table and what to run, as text. */
function formatDrainText(p: DrainPrediction, color = false, withKubectlOutput = true): string {
  const c = paint(color);
  const out: string[] = [`${c.bold(t(drainCommand(p.node, p.flags)))}: ${t(drainVerdict(p))}`, ''];
  if (!p.nodeFound) return `${out.join('\n')}\n`;
  if (p.fates.length === 0) {
    out.push(`no pods on ${t(p.node)}`);
  } else {
    const rows = [['POD', 'ACTION', 'REASON', 'DESTINATION']];
    for (const f of p.fates) rows.push([t(podName(f.pod)), f.action, t(f.reason || '-'), t(destinationCell(f))]);
    const lines = table(rows, c);
    lines.forEach((line, i) => {
      const style = i === 0 ? null : ACTION_STYLE[p.fates[i - 1]!.action];
      out.push(style ? c[style](line) : line);
    });
  }
  const held = p.fates.filter((f) => f.holdUp !== null);
  if (held.length > 0) out.push('', 'What holds the drain up:', ...held.map((f) => `  - ${t(f.holdUp!)}`));
  if (withKubectlOutput) out.push('', 'kubectl would print:', ...p.kubectlOutput.map((l) => `  ${t(l)}`));
  out.push('');
  const wouldSucceed = p.blockedBy.length > 0 ? 'Gets past the filters' : 'Would succeed';
  out.push(`${wouldSucceed}: ${t(p.command)}`);
  if (p.lostByCommand.length > 0) {
    out.push(`  deletes for good: ${p.lostByCommand.map((pod) => t(podName(pod))).join(', ')} (no controller recreates ${p.lostByCommand.length === 1 ? 'it' : 'them'})`);
  }
  for (const b of p.blockedBy) out.push(`  still refused: ${t(b)}`);
  if (p.safeAlternative) out.push(`Safe instead: ${t(p.safeAlternative)}`);
  out.push(`After the maintenance: kubectl uncordon ${t(p.node)}   # evicted pods do not move back; new ones can land there again`);
  if (p.notes.length > 0) out.push('', 'Notes:', ...p.notes.map((n) => `  - ${t(n)}`));
  return `${out.join('\n')}\n`;
}

/**
 * A whole `kubectl drain` as text: how it ends and what a gate reads, what was
 * assumed, then each node (for one node, the node's text under the same header).
 */
export function formatDrainRunText(run: DrainRunPrediction, color = false): string {
  const c = paint(color);
  const head = [
    `${c.bold(t(drainCommand(run.nodes.map((n) => n.node), run.flags)))}: ${t(drainRunVerdict(run))}`,
    t(outcomeLine(run)),
    ...(run.assumptions.length > 0 ? ['Assumed (the input does not show it):', ...run.assumptions.map((a) => `  - ${t(a)}`)] : []),
  ];
  if (run.nodes.length === 1) {
    const body = formatDrainText(run.nodes[0]!, color).split('\n').slice(1);
    return `${[...head, ...body].join('\n')}`;
  }
  const out = [...head, ''];
  for (const node of run.nodes) {
    out.push(...formatDrainText(node, color, false).split('\n'));
  }
  out.push('kubectl would print:', ...run.kubectlOutput.map((l) => `  ${t(l)}`), '');
  out.push(`Would get past every filter: ${t(run.command)}`);
  return `${out.join('\n')}\n`;
}

/** The prediction as plain data for the JSON report. */
export function drainJson(p: DrainPrediction) {
  return {
    node: p.node,
    nodeFound: p.nodeFound,
    flags: { ...p.flags },
    outcome: p.outcome,
    reason: p.outcomeReason,
    givesUpAfterSeconds: p.givesUpAfterSeconds,
    verdict: drainVerdict(p),
    pods: p.fates.map((f) => ({
      namespace: f.pod.namespace,
      name: f.pod.name,
      action: f.action,
      reason: f.reason,
      end: f.end,
      holdUp: f.holdUp,
      controller: f.pod.controller ? { apiVersion: f.pod.controller.apiVersion ?? null, kind: f.pod.controller.kind, name: f.pod.controller.name } : null,
      eviction: f.eviction
        ? f.eviction.result === 'refused'
          ? { result: 'refused', code: f.eviction.code, reason: f.eviction.reason, retried: f.eviction.retried, message: f.eviction.message, pdbs: f.eviction.pdbs.map((x) => `${x.namespace}/${x.name}`) }
          : { result: f.eviction.result }
        : null,
      destination: f.destination
        ? f.destination.node === null
          ? { node: null, message: f.destination.message, nodes: f.destination.nodes.map((n) => ({ ...n })) }
          : { node: f.destination.node, capacityChecked: f.destination.capacityChecked }
        : null,
      losesEmptyDirData: f.losesEmptyDir,
    })),
    kubectlOutput: [...p.kubectlOutput],
    command: p.command,
    blockedBy: [...p.blockedBy],
    lostByCommand: p.lostByCommand.map(podName),
    safeAlternative: p.safeAlternative,
    notes: [...p.notes],
    assumptions: [...p.assumptions],
  };
}

/** A whole `kubectl drain` (one node or several) as plain data: the outcome a script gates on, then each node. */
export function drainRunJson(run: DrainRunPrediction) {
  return {
    outcome: run.outcome,
    reason: run.outcomeReason,
    exitCode: run.exitCode,
    verdict: drainRunVerdict(run),
    command: run.command,
    flags: { ...run.flags },
    kubectlOutput: [...run.kubectlOutput],
    assumptions: [...run.assumptions],
    nodes: run.nodes.map(drainJson),
  };
}

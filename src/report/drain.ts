import { drainCommand, type DrainPrediction, type PodFate } from '../simulate/drain.js';
import { podName } from '../simulate/describe.js';
import { paint, type Paint } from './ansi.js';
import { plural } from './describe.js';

function destinationCell(fate: PodFate): string {
  const d = fate.destination;
  if (!d) return fate.action === 'delete-forever' ? 'none: nothing recreates it' : '-';
  if (d.node === null) return `nowhere: ${d.message}`;
  return d.capacityChecked ? d.node : `${d.node} (allocatable unknown)`;
}

/** One line on how the drain ends. */
export function drainVerdict(p: DrainPrediction): string {
  if (!p.nodeFound) return `no node ${p.node} in the input`;
  const refused = p.fates.filter((f) => f.filter.final.type === 'Error').length;
  if (p.outcome === 'refused') {
    return `drain stops: ${plural(refused, 'pod')} refused, so nothing is evicted and ${p.node} stays cordoned`;
  }
  const evicted = p.fates.filter((f) => f.action === 'evict' || f.action === 'delete').length;
  const lost = p.fates.filter((f) => f.action === 'delete-forever').length;
  const tail = [
    `${plural(evicted, 'pod')} ${p.flags.disableEviction ? 'deleted' : 'evicted'}`,
    ...(lost > 0 ? [`${plural(lost, 'pod')} deleted for good`] : []),
    ...(p.unplaced.length > 0 ? [`${plural(p.unplaced.length, 'pod')} left Pending (no room elsewhere)`] : []),
  ].join(', ');
  if (p.outcome === 'blocked') {
    const blocked = p.fates.filter((f) => f.eviction?.result === 'refused');
    const fatal = blocked.some((f) => f.eviction?.result === 'refused' && f.eviction.code === 500);
    return fatal
      ? `drain fails: ${plural(blocked.length, 'eviction')} refused by the API server (${tail})`
      : `drain hangs: ${plural(blocked.length, 'eviction')} refused with 429 and retried until --timeout, forever by default (${tail})`;
  }
  return `drain completes: ${tail}`;
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
export function formatDrainText(p: DrainPrediction, color = false): string {
  const c = paint(color);
  const out: string[] = [`${c.bold(drainCommand(p.node, p.flags))}: ${drainVerdict(p)}`, ''];
  if (!p.nodeFound) return `${out.join('\n')}\n`;
  if (p.fates.length === 0) {
    out.push(`no pods on ${p.node}`);
  } else {
    const rows = [['POD', 'ACTION', 'REASON', 'DESTINATION']];
    for (const f of p.fates) rows.push([podName(f.pod), f.action, f.reason || '-', destinationCell(f)]);
    const lines = table(rows, c);
    lines.forEach((line, i) => {
      const style = i === 0 ? null : ACTION_STYLE[p.fates[i - 1]!.action];
      out.push(style ? c[style](line) : line);
    });
  }
  out.push('', 'kubectl would print:', ...p.kubectlOutput.map((l) => `  ${l}`), '');
  const wouldSucceed = p.blockedBy.length > 0 ? 'Gets past the filters' : 'Would succeed';
  out.push(`${wouldSucceed}: ${p.command}`);
  if (p.lostByCommand.length > 0) {
    out.push(`  deletes for good: ${p.lostByCommand.map(podName).join(', ')} (no controller recreates ${p.lostByCommand.length === 1 ? 'it' : 'them'})`);
  }
  for (const b of p.blockedBy) out.push(`  still refused: ${b}`);
  if (p.safeAlternative) out.push(`Safe instead: ${p.safeAlternative}`);
  out.push(`After the maintenance: kubectl uncordon ${p.node}   # evicted pods do not move back; new ones can land there again`);
  if (p.notes.length > 0) out.push('', 'Notes:', ...p.notes.map((n) => `  - ${n}`));
  return `${out.join('\n')}\n`;
}

/** The prediction as plain data for the JSON report. */
export function drainJson(p: DrainPrediction) {
  return {
    node: p.node,
    nodeFound: p.nodeFound,
    flags: { ...p.flags },
    outcome: p.outcome,
    verdict: drainVerdict(p),
    pods: p.fates.map((f) => ({
      namespace: f.pod.namespace,
      name: f.pod.name,
      action: f.action,
      reason: f.reason,
      controller: f.pod.controller ? { kind: f.pod.controller.kind, name: f.pod.controller.name } : null,
      eviction: f.eviction
        ? f.eviction.result === 'refused'
          ? { result: 'refused', code: f.eviction.code, message: f.eviction.message, pdbs: f.eviction.pdbs.map((x) => `${x.namespace}/${x.name}`) }
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
  };
}

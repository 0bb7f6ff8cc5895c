import { formatDrainRun, parseDrainFlags, runDrain, type DrainRun } from '../cli/commands/drain.js';
import type { ScanRequest } from '../cli/pipeline.js';
import { UsageError } from '../engine/errors.js';
import type { DrainFlags } from '../model/types.js';
import { drainCommand } from '../predict/drain-command.js';
import { drainRunVerdict } from '../report/drain.js';
import { markdownFence, markdownText } from '../report/escape-markdown.js';
import type { ActionInputs } from './inputs.js';

/** The drain the inputs ask to gate on: nodes by name or by kubectl's --selector, and the flags it runs with. */
export interface DrainGate {
  nodes: string[];
  selector?: string;
  flags: DrainFlags;
}

/**
 * The gate's drain from the `drain` and `drain-flags` inputs, checked before
 * anything is read: a bad flag fails the step at once, as kubectl would.
 * No nodes and no selector: no drain to gate on.
 */
export function drainGate(inputs: ActionInputs): DrainGate | undefined {
  if (inputs.drain.length === 0 && inputs.drainFlags.length === 0) return undefined;
  const { flags, selector } = parseDrainFlags(inputs.drainFlags);
  if (inputs.drain.length > 0 && selector !== undefined) {
    throw new UsageError('drain: cannot name nodes and give drain-flags a --selector (kubectl refuses both too: "cannot specify both a node name and a --selector option")');
  }
  if (inputs.drain.length === 0 && selector === undefined) {
    throw new UsageError('drain-flags is set but no node is: list the nodes in drain, or give drain-flags a --selector');
  }
  return { nodes: inputs.drain, ...(selector !== undefined ? { selector } : {}), flags };
}

export interface DrainGateResult {
  run: DrainRun;
  /** The job summary's section: the prediction, as `kcheck drain` prints it. */
  summary: string;
  /** Why the step fails, when the drain would not complete. */
  failure?: string;
}

/** Predicts the gate's drain on the same input as the scan; only the outcome sets the code (the scan's findings already had their say). */
export async function checkDrain(gate: DrainGate, request: ScanRequest): Promise<DrainGateResult> {
  // runDrain leaves the scan's --fail-on out of the read itself.
  const run = await runDrain({ nodes: gate.nodes, ...(gate.selector !== undefined ? { selector: gate.selector } : {}) }, request, gate.flags);
  // The drain as it will be run (run.drain.command is the one that gets past every filter).
  const asked = drainCommand(run.drain.nodes.map((n) => n.node), gate.flags);
  const summary = [
    `## ${markdownText(`kcheck drain: ${asked}`)}`,
    '',
    ...markdownFence(formatDrainRun(run, 'text', false).trimEnd().split('\n')),
    '',
  ].join('\n');
  const verdict = drainRunVerdict(run.drain);
  if (run.exitCode === 0) return { run, summary };
  const failure =
    run.exitCode === 2
      ? `kcheck: cannot tell how ${asked} ends: ${run.scan.result.gaps.map((g) => `${g.what}: ${g.reason}`).join('; ') || verdict}`
      : `kcheck: ${asked} would not complete: ${verdict}`;
  return { run, summary, failure };
}

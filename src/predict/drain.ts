import type { ClusterModel, DrainFlags, Node, Pod, PodDisruptionBudget } from '../model/types.js';
import { isFinished, podKey } from '../model/walks.js';
import { groupBy, kindRead, nodeNamed, remembered, volumeClaimNamed } from '../model/cluster-index.js';
import { drainFilter, PERMISSIVE_FLAGS, podsDrainLists, secondsSinceDeletion, type FilterVerdict } from './drain-filters.js';
import { EvictionBudget, namespaceTerminating, type EvictionAnswer } from './eviction.js';
import { placePods } from './placement.js';
import { drainCommand, flagsNeeded, goDuration } from './drain-command.js';
import type { Destination, DrainAction, DrainOutcome, DrainPrediction, DrainRunPrediction, PodEnd, PodFate } from './drain-types.js';
import { DUMP_COMMAND } from './dump-command.js';
import { progress } from '../text/progress.js';

export { NO_FLAGS } from './drain-filters.js';

/**
 * What `kubectl drain` does, pod by pod and node by node, as kubectl v1.35.4
 * does it: cordon every node, then for each node in turn list its pods, run
 * the filters, evict (or delete) what passes and wait for it to go
 * (RunDrain and deleteOrEvictPodsSimple:
 * https://github.com/kubernetes/kubectl/blob/v0.35.4/pkg/cmd/drain/drain.go#L325-L399;
 * evictPods and waitForDelete: https://github.com/kubernetes/kubectl/blob/v0.35.4/pkg/drain/drain.go#L271-L450).
 */

const RETRY_DELAY_SECONDS = 5; // EvictErrorRetryDelay, pkg/cmd/drain/drain.go#L156
const DEFAULT_GRACE_SECONDS = 30; // the API server's default terminationGracePeriodSeconds
/** How long past its deletionTimestamp a pod on a Ready node may take to go before it counts as stuck. */
const STUCK_AFTER_SECONDS = 300;

/** Finalizers that Kubernetes' own controllers remove from pods. */
const BUILT_IN_FINALIZERS = new Set(['batch.kubernetes.io/job-tracking']);

function byName(a: Pod, b: Pod): number {
  // The API lists pods in key order: namespace, then name.
  return a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);
}

function actionOf(verdict: FilterVerdict): DrainAction {
  if (verdict.final.type === 'Error') return 'refuse';
  if (!verdict.final.delete) return 'skip';
  return verdict.lostForGood ? 'delete-forever' : 'evict';
}

function reasonOf(pod: Pod, verdict: FilterVerdict): string {
  const said = verdict.notes.map((n) => n.message).filter((m) => m !== '');
  if (said.length > 0) return said.join('; ');
  if (pod.mirror) return 'mirror pod (static pod of the kubelet): drain skips it';
  if (isFinished(pod)) return `${pod.phase}: finished pods are deleted`;
  return pod.controller ? `managed by ${pod.controller.kind} ${pod.controller.name}` : '';
}

function aggregate(messages: string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`;
}

/** The pods whose filter verdict is of this type, grouped by the verdict's message, in the order kubectl lists them. */
function podsByMessage(fates: PodFate[], type: 'Error' | 'Warning'): Map<string, string[]> {
  const grouped = groupBy(fates.filter((f) => f.filter.final.type === type), (f) => f.filter.final.message);
  return new Map([...grouped].map(([message, list]) => [message, list.map((f) => podKey(f.pod))]));
}

/** utilerrors aggregate of PodDeleteList.errors(): one "cannot delete MSG: pods" per message (filters.go#L78-L94). */
function filterErrors(fates: PodFate[]): string[] {
  const byMessage = podsByMessage(fates, 'Error');
  return [...byMessage].map(([message, pods]) => `cannot delete ${message}: ${pods.join(', ')}`);
}

/** PodDeleteList.Warnings (filters.go#L62-L76), printed as `Warning: ...`. */
function warningLine(fates: PodFate[]): string | null {
  const byMessage = podsByMessage(fates, 'Warning');
  if (byMessage.size === 0) return null;
  return `Warning: ${[...byMessage].map(([m, pods]) => `${m}: ${pods.join(', ')}`).join('; ')}`;
}

export function pdbTerms(pdb: PodDisruptionBudget): string {
  const spec = pdb.minAvailable !== undefined ? `minAvailable: ${pdb.minAvailable}` : pdb.maxUnavailable !== undefined ? `maxUnavailable: ${pdb.maxUnavailable}` : '';
  const health = pdb.currentHealthy !== undefined ? `${pdb.currentHealthy} healthy, ${pdb.desiredHealthy ?? 0} needed` : '';
  const parts = [spec, health].filter((p) => p !== '');
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

function describeBlock(pod: Pod, answer: EvictionAnswer): string {
  if (answer.result !== 'refused') return '';
  const names = answer.pdbs.map((p) => `${p.namespace}/${p.name}`).join(', ');
  switch (answer.reason) {
    case 'multiple-budgets':
      return `${podKey(pod)} is selected by ${answer.pdbs.length} PodDisruptionBudgets (${names}): eviction fails with 500`;
    case 'stale-budget':
      return `${podKey(pod)}: PodDisruptionBudget ${names} is not processed by the disruption controller yet (status.observedGeneration below metadata.generation): eviction refused with 429`;
    case 'negative-budget':
      return `${podKey(pod)}: PodDisruptionBudget ${names} has a negative disruptionsAllowed: eviction refused with 403`;
    case 'terminating-namespace':
      return `${podKey(pod)}: namespace ${pod.namespace} is Terminating: eviction refused with 403`;
    case 'budget':
      return `${podKey(pod)}: PodDisruptionBudget ${names} allows 0 disruptions${pdbTerms(answer.pdbs[0]!)}: eviction refused with 429`;
  }
}

/** The effective grace period of a deletion: --grace-period when given (>= 0), else the pod's own. */
function gracePeriod(pod: Pod, flags: DrainFlags): number {
  if (isFinished(pod)) return 0; // the API server deletes finished pods at once
  if (flags.gracePeriodSeconds !== undefined && flags.gracePeriodSeconds >= 0) return flags.gracePeriodSeconds;
  return pod.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
}

/**
 * Once the API server has accepted the eviction (or delete), drain waits for the pod object to go
 * (waitForDelete, drain.go#L415-L450). It stays while a finalizer nobody removes holds it, or, with
 * a grace period, while no kubelet confirms the pod stopped (a node that is not Ready). With
 * --skip-wait-for-delete-timeout=N drain stops waiting N seconds after the pod's deletionTimestamp.
 */
function deletionHoldUp(model: ClusterModel, pod: Pod, node: Node | undefined, flags: DrainFlags): string | null {
  const skip = flags.skipWaitForDeleteTimeoutSeconds ?? 0;
  if (skip > 0) return null;
  const foreign = (pod.finalizers ?? []).filter((f) => !BUILT_IN_FINALIZERS.has(f));
  if (foreign.length > 0) {
    return `the pod keeps finalizer${foreign.length === 1 ? '' : 's'} ${foreign.join(', ')} until whatever set ${foreign.length === 1 ? 'it removes it' : 'them removes them'}: drain waits for it to go`;
  }
  const grace = gracePeriod(pod, flags);
  if (node?.ready === false && grace > 0) {
    return `node ${node.name} is not Ready: no kubelet confirms the pod stopped, so it stays Terminating and drain waits for it (--grace-period=0 removes it at once; --skip-wait-for-delete-timeout=N stops waiting)`;
  }
  // Past its deletion time by more than the kubelet needs to report the pod gone: something holds it.
  const since = secondsSinceDeletion(model, pod);
  if (since !== null && since > STUCK_AFTER_SECONDS) {
    return `already past its deletion time (deletionTimestamp ${pod.deletionTimestamp}, ${since}s before the capture) and still there: drain waits for it to go`;
  }
  return null;
}

interface NodeSection {
  node: string;
  found: boolean;
  cordonLine: string;
  /** Lines printed while draining this node. */
  lines: string[];
  /** The node's error, printed in the summary; null when it drained (or hangs). */
  error: string[] | null;
  /** The error is a single one, not an aggregate (deletePods' wait). */
  plain: boolean;
  hangs: boolean;
}

/** The run's output from its node sections (RunDrain, pkg/cmd/drain/drain.go#L325-L365, and cmdutil.CheckErr). */
function renderRun(sections: NodeSection[]): string[] {
  const missing = sections.find((s) => !s.found);
  if (missing) return [`Error from server (NotFound): nodes "${missing.node}" not found`];
  const lines = sections.map((s) => s.cordonLine);
  const failed: NodeSection[] = [];
  for (const s of sections) {
    lines.push(...s.lines);
    if (s.hangs) return lines;
    if (s.error) {
      lines.push(`error: unable to drain node "${s.node}" due to error: ${aggregate(s.error)}, continuing command...`);
      failed.push(s);
    }
  }
  if (failed.length === 0) return lines;
  lines.push('There are pending nodes to be drained:', ...failed.map((s) => ` ${s.node}`));
  // cmdutil.CheckErr: an aggregate of one node's errors prints each error on a line; a plain error (--disable-eviction's
  // wait) gets "error: " before it; several nodes print one line per node
  // (https://github.com/kubernetes/kubectl/blob/v0.35.4/pkg/cmd/util/helpers.go#L152-L220).
  if (failed.length === 1 && failed[0]!.plain) lines.push(`error: ${failed[0]!.error![0]}`);
  else if (failed.length === 1) lines.push(...new Set(failed[0]!.error!));
  else lines.push(...failed.map((s) => aggregate(s.error!)));
  return lines;
}

interface Planned {
  node: string;
  nodeObject: Node | undefined;
  pods: Pod[];
  verdicts: Map<Pod, FilterVerdict>;
  refused: boolean;
}

function suffix(flags: DrainFlags): string {
  return flags.dryRun === 'server' ? ' (server dry run)' : flags.dryRun === 'client' ? ' (dry run)' : '';
}

/**
 * What `kubectl drain NODE...` would do. Pure: reads the model only.
 */
export function predictDrainRun(model: ClusterModel, nodeNames: string[], flags: DrainFlags): DrainRunPrediction {
  const dryRun = flags.dryRun;
  const planned: Planned[] = nodeNames.map((node) => {
    const nodeObject = nodeNamed(model, node);
    const pods = nodeObject ? podsDrainLists(model, node, flags).sort(byName) : [];
    const verdicts = new Map(pods.map((pod) => [pod, drainFilter(model, pod, flags)]));
    return { node, nodeObject, pods, verdicts, refused: [...verdicts.values()].some((v) => v.final.type === 'Error') };
  });

  // The Eviction API's answer for each pod drain evicts, node after node, in the order drain asks.
  const budget = new EvictionBudget(model, dryRun === 'server');
  const answers = new Map<Pod, EvictionAnswer>();
  const evicts = !flags.disableEviction && dryRun !== 'client';
  for (const p of planned) {
    if (p.refused || !evicts) continue;
    for (const pod of p.pods) if (p.verdicts.get(pod)!.final.delete) answers.set(pod, budget.evict(pod));
  }

  // Replacements: pods that leave (and that a controller recreates elsewhere), from every node being drained.
  // A node whose filters refuse a pod evicts nothing; its replacements are still placed, to show where they would go once drain gets past the filters.
  const leavesNow = (p: Planned, pod: Pod): boolean => {
    if (!p.verdicts.get(pod)!.final.delete || dryRun === 'client') return false;
    const answer = answers.get(pod);
    if (answer?.result === 'refused' && answer.reason === 'terminating-namespace') return pod.deleting;
    return !answer || answer.result === 'allowed' || answer.result === 'retried';
  };
  const leaving = new Set(planned.flatMap((p) => p.pods.filter((pod) => leavesNow(p, pod)).map(podKey)));
  const recreated = planned.flatMap((p) =>
    p.pods.filter((pod) => leavesNow(p, pod) && !p.verdicts.get(pod)!.lostForGood && !isFinished(pod) && !namespaceTerminating(model, pod.namespace)),
  );
  const placement = placePods(model, recreated, { draining: new Set(nodeNames), leaving });
  const placed = new Map(placement.placed.map((x) => [podKey(x.pod), x]));
  const unplaced = new Map(placement.unplaced.map((u) => [podKey(u.pod), u]));

  // A 429 that passes once a replacement is Ready needs a pod of the same budget that goes, comes back and fits somewhere.
  const recovers = (pdb: PodDisruptionBudget): boolean =>
    planned.some((p) =>
      p.pods.some((pod) => {
        const a = answers.get(pod);
        return a?.result === 'allowed' && a.pdb === pdb && placed.has(podKey(pod));
      }),
    );

  const predictions: DrainPrediction[] = [];
  const sections: NodeSection[] = [];
  for (const p of planned) {
    const assumptions: string[] = [];
    const fates: PodFate[] = p.pods.map((pod) => {
      const verdict = p.verdicts.get(pod)!;
      let action = actionOf(verdict);
      let reason = reasonOf(pod, verdict);
      const eviction = p.refused ? null : answers.get(pod) ?? null;
      if (verdict.assumed) assumptions.push(`assumed ${verdict.assumed.what}`);
      let end: PodEnd = verdict.final.type === 'Error' ? 'refused' : verdict.final.delete ? 'gone' : 'stays';
      let holdUp: string | null = null;
      if (verdict.assumed?.otherRefuses) {
        end = 'unknown';
        holdUp = `whether drain refuses it depends on whether DaemonSet ${pod.controller!.name} exists, which the input does not show`;
      }
      if (verdict.final.delete && flags.disableEviction && action === 'evict') action = 'delete';
      if (end === 'gone' && !p.refused && dryRun !== 'client') {
        if (eviction?.result === 'refused') {
          action = 'refuse';
          const status = eviction.code === 429 ? '429 Too Many Requests' : eviction.code === 403 ? '403 Forbidden' : '500 Internal Server Error';
          reason = `${status}: ${eviction.message}`;
          if (eviction.reason === 'terminating-namespace' && pod.deleting) {
            // drain.go#L315-L319: the pod is already going; drain waits for it instead.
            action = 'evict';
            reason = `namespace ${pod.namespace} is Terminating (403); the pod is already deleting, so drain waits for it to go`;
          } else {
            end = eviction.retried ? 'waits' : 'fails';
            holdUp = describeBlock(pod, eviction);
          }
        } else if (eviction?.result === 'retried') {
          if (recovers(eviction.pdb)) {
            reason = [reason, '429 until an earlier replacement is Ready (drain retries every 5s)'].filter((r) => r !== '').join('; ');
          } else {
            end = 'waits';
            holdUp = `${podKey(pod)}: PodDisruptionBudget ${eviction.pdb.namespace}/${eviction.pdb.name} is used up by the evictions before it, and none of their replacements can become Ready, so it answers 429 until --timeout`;
            reason = [reason, `429 Too Many Requests: ${eviction.message}`].filter((r) => r !== '').join('; ');
          }
        } else if (eviction?.result === 'unknown') {
          end = 'unknown';
          holdUp = eviction.note;
        } else if (eviction?.result === 'allowed' && eviction.note) {
          reason = [reason, eviction.note].filter((r) => r !== '').join('; ');
        }
        // Server dry runs return once the API server accepts (drain.go#L337-L340), except --disable-eviction's wait.
        if (end === 'gone' && (dryRun !== 'server' || flags.disableEviction)) {
          const held = dryRun === 'server' ? 'a server dry run deletes nothing, so the pod never goes and drain waits for it until --timeout' : deletionHoldUp(model, pod, p.nodeObject, flags);
          if (held) {
            end = 'waits';
            holdUp = held;
          }
        }
      }
      const key = podKey(pod);
      const spot = placed.get(key);
      const nowhere = unplaced.get(key);
      let destination: Destination | null = spot
        ? { node: spot.node, capacityChecked: spot.capacityChecked }
        : nowhere
          ? { node: null, message: nowhere.message, nodes: nowhere.nodes }
          : null;
      if (!destination && leaving.has(key) && !verdict.lostForGood && !isFinished(pod) && namespaceTerminating(model, pod.namespace)) {
        destination = { node: null, message: `namespace ${pod.namespace} is being terminated: no replacement can be created there`, nodes: [] };
      }
      return { pod, action, reason, filter: verdict, eviction, destination, losesEmptyDir: verdict.losesEmptyDir, end, holdUp };
    });
    predictions.push(nodePrediction(model, p, fates, flags, assumptions));
    sections.push(nodeSection(p, fates, flags));
  }

  return runOf(model, predictions, sections, nodeNames, flags);
}

function nodeOutcome(p: Planned, fates: PodFate[], flags: DrainFlags): { outcome: DrainOutcome; reason: string; givesUpAfterSeconds: number | null } {
  if (!p.nodeObject) return { outcome: 'unknown', reason: `no node ${p.node} in the input`, givesUpAfterSeconds: null };
  const list = (end: PodEnd) => fates.filter((f) => f.end === end);
  const refused = list('refused');
  const unknown = list('unknown');
  if (refused.length > 0) {
    return {
      outcome: 'stops',
      reason: `the filters refuse ${refused.map((f) => podKey(f.pod)).join(', ')}: nothing is evicted and ${p.node} stays cordoned`,
      givesUpAfterSeconds: null,
    };
  }
  if (unknown.length > 0) return { outcome: 'unknown', reason: unknown.map((f) => `${podKey(f.pod)}: ${f.holdUp}`).join('; '), givesUpAfterSeconds: null };
  const waits = list('waits');
  const fails = list('fails');
  const timeout = flags.timeoutSeconds ?? 0;
  if (waits.length > 0) {
    const why = waits.map((f) => f.holdUp ?? podKey(f.pod)).join('; ');
    if (timeout <= 0) return { outcome: 'hangs', reason: `drain waits forever (no --timeout): ${why}`, givesUpAfterSeconds: null };
    const after = Math.max(...waits.map((f) => givesUpAfter(f, timeout)));
    const slow = after > timeout ? ` (about ${goDuration(after)}: client-go retries the 429 ${10} times, 10 s apart, inside one eviction call, and kubectl checks --timeout only between calls)` : '';
    return { outcome: 'stops', reason: `drain gives up after --timeout=${goDuration(timeout)}${slow}: ${why}`, givesUpAfterSeconds: after };
  }
  if (fails.length > 0) return { outcome: 'stops', reason: `the API server refuses: ${fails.map((f) => f.holdUp).join('; ')}`, givesUpAfterSeconds: null };
  return { outcome: 'completes', reason: `every pod on ${p.node} is handled`, givesUpAfterSeconds: null };
}

/** When kubectl's --timeout ends a pod's wait: eviction retries check it once per call, and a call may take client-go's retries. */
function givesUpAfter(f: PodFate, timeout: number): number {
  const answer = f.eviction;
  if (answer?.result === 'refused' && answer.retried) {
    const round = answer.callSeconds + RETRY_DELAY_SECONDS;
    return Math.ceil(timeout / round) * round;
  }
  if (answer?.result === 'retried') return Math.ceil(timeout / RETRY_DELAY_SECONDS) * RETRY_DELAY_SECONDS;
  return timeout;
}

function nodePrediction(model: ClusterModel, p: Planned, fates: PodFate[], flags: DrainFlags, assumptions: string[]): DrainPrediction {
  const { outcome, reason, givesUpAfterSeconds } = nodeOutcome(p, fates, flags);
  const pods = p.pods;
  const command = drainCommand(p.node, flagsNeeded(model, p.node, flags));
  const lostByCommand = pods.filter((pod) => drainFilter(model, pod, { ...flags, ...PERMISSIVE_FLAGS }).lostForGood);
  const blockedBy = flags.disableEviction ? [] : blocksOnceFiltersPass(model, pods, flags);
  const safeAlternative = lostByCommand.length > 0
    ? `kubectl cordon ${p.node}  # keeps ${lostByCommand.map(podKey).join(', ')} running; no new pods land on ${p.node}`
    : null;
  const unplacedHere = fates.flatMap((f) => (f.destination && f.destination.node === null && f.destination.nodes.length > 0 ? [{ pod: f.pod, message: f.destination.message, nodes: f.destination.nodes }] : []));
  return {
    node: p.node,
    nodeFound: p.nodeObject !== undefined,
    flags,
    fates,
    outcome,
    outcomeReason: reason,
    givesUpAfterSeconds,
    kubectlOutput: renderRun([nodeSection(p, fates, flags)]),
    command,
    blockedBy,
    lostByCommand,
    safeAlternative,
    unplaced: unplacedHere,
    notes: destinationNotes(model, p.nodeObject, fates),
    assumptions: [...new Set(assumptions)],
  };
}

/** The evictions refused once every filter flag is given: what no flag but --disable-eviction gets past. */
function blocksOnceFiltersPass(model: ClusterModel, pods: Pod[], flags: DrainFlags): string[] {
  const budget = new EvictionBudget(model);
  return pods
    .filter((pod) => drainFilter(model, pod, { ...flags, ...PERMISSIVE_FLAGS }).final.delete)
    .map((pod) => describeBlock(pod, budget.evict(pod)))
    .filter((b) => b !== '');
}

function nodeSection(p: Planned, fates: PodFate[], flags: DrainFlags): NodeSection {
  const node = p.nodeObject;
  const tail = suffix(flags);
  const section: NodeSection = {
    node: p.node,
    found: node !== undefined,
    cordonLine: `node/${p.node} ${node?.unschedulable ? 'already cordoned' : `cordoned${tail}`}`,
    lines: [],
    error: null,
    plain: false,
    hangs: false,
  };
  if (!node) return section;
  if (p.refused) {
    section.error = filterErrors(fates);
    return section;
  }
  const warning = warningLine(fates);
  if (warning) section.lines.push(warning);
  const timeout = flags.timeoutSeconds ?? 0;
  const errors: string[] = [];
  const going = fates.filter((f) => f.filter.final.delete);
  for (const f of going) {
    const { namespace, name } = f.pod;
    if (flags.dryRun === 'client') {
      section.lines.push(`evicting pod ${namespace}/${name}${tail}`);
      continue;
    }
    if (flags.disableEviction) {
      if (f.end === 'gone') section.lines.push(`pod/${name} deleted${tail}`);
      continue;
    }
    section.lines.push(`evicting pod ${namespace}/${name}${tail}`);
    const answer = f.eviction;
    if (answer?.result === 'refused') {
      // A pod already deleting in a terminating namespace: kubectl takes the 403 without a word and waits (drain.go#L315-L319).
      if (answer.reason === 'terminating-namespace' && f.pod.deleting) {
        if (flags.dryRun !== 'server' && f.end === 'gone') section.lines.push(`pod/${name} evicted`);
        else if (f.end === 'waits' && timeout > 0) errors.push(`error when waiting for pod "${name}" in namespace "${namespace}" to terminate: context deadline exceeded`);
        continue;
      }
      if (!answer.retried) {
        errors.push(`error when evicting pods/"${name}" -n "${namespace}": ${answer.message}`);
        continue;
      }
      section.lines.push(
        answer.reason === 'terminating-namespace'
          ? `error when evicting pod "${name}" from terminating namespace "${namespace}" (will retry after 5s): ${answer.message}`
          : `error when evicting pods/"${name}" -n "${namespace}" (will retry after 5s): ${answer.message}`,
      );
      if (f.end === 'waits' && timeout > 0) errors.push(`error when evicting pods/"${name}" -n "${namespace}": global timeout reached: ${goDuration(timeout)}`);
      continue;
    }
    if (answer?.result === 'retried') {
      section.lines.push(`error when evicting pods/"${name}" -n "${namespace}" (will retry after 5s): ${answer.message}`);
      if (f.end === 'waits') {
        if (timeout > 0) errors.push(`error when evicting pods/"${name}" -n "${namespace}": global timeout reached: ${goDuration(timeout)}`);
        continue;
      }
    }
    if (flags.dryRun === 'server') continue;
    if (f.end === 'gone') section.lines.push(`pod/${name} evicted`);
    else if (f.end === 'waits' && timeout > 0) errors.push(`error when waiting for pod "${name}" in namespace "${f.pod.namespace}" to terminate: context deadline exceeded`);
  }
  if (flags.disableEviction && flags.dryRun !== 'client' && going.some((f) => f.end === 'waits') && timeout > 0) errors.push('context deadline exceeded');
  const waiting = fates.some((f) => f.end === 'waits');
  if (waiting && timeout <= 0) {
    section.hangs = true;
    return section;
  }
  if (errors.length > 0) {
    // deleteOrEvictPodsSimple (pkg/cmd/drain/drain.go#L382-L397) lists the pods still on the node.
    const remaining = going.filter((f) => f.end !== 'gone' || flags.dryRun === 'server');
    const error = flags.disableEviction ? errors[0]! : aggregate(errors);
    if (remaining.length > 0) section.lines.push(`There are pending pods in node "${p.node}" when an error occurred: ${error}`, ...remaining.map((f) => `pod/${f.pod.name}`));
    section.error = flags.disableEviction ? [errors[0]!] : errors;
    section.plain = flags.disableEviction;
    return section;
  }
  section.lines.push(`node/${p.node} drained${tail}`);
  return section;
}

function runOf(model: ClusterModel, predictions: DrainPrediction[], sections: NodeSection[], nodeNames: string[], flags: DrainFlags): DrainRunPrediction {
  const assumptions = [...new Set([...predictions.flatMap((p) => p.assumptions), ...inputAssumptions(model, predictions.flatMap((p) => p.fates.map((f) => f.pod))).map((a) => a.text)])];
  const firstHang = predictions.findIndex((p) => p.outcome === 'hangs');
  let outcome: DrainOutcome;
  let outcomeReason: string;
  const reasons = (ps: DrainPrediction[]) => ps.map((p) => (predictions.length > 1 ? `${p.node}: ${p.outcomeReason}` : p.outcomeReason)).join('; ');
  if (firstHang >= 0) {
    outcome = 'hangs';
    const later = predictions.slice(firstHang + 1).map((p) => p.node);
    outcomeReason = reasons([predictions[firstHang]!]) + (later.length > 0 ? `; kubectl never gets to ${later.join(', ')} (cordoned all the same)` : '');
  } else if (predictions.some((p) => p.outcome === 'stops')) {
    outcome = 'stops';
    outcomeReason = reasons(predictions.filter((p) => p.outcome === 'stops'));
  } else if (predictions.some((p) => p.outcome === 'unknown')) {
    outcome = 'unknown';
    outcomeReason = reasons(predictions.filter((p) => p.outcome === 'unknown'));
  } else {
    const missing = [...model.incomplete].filter((part) => ['nodes', 'pods', 'workloads', 'pdbs'].includes(part));
    if (missing.length > 0) {
      outcome = 'unknown';
      outcomeReason = `the input is incomplete (${missing.join(', ')} not fully read): the drain could refuse or wait on what was not seen`;
    } else {
      outcome = 'completes';
      outcomeReason = predictions.length > 1 ? `every pod on ${nodeNames.join(', ')} is handled` : predictions[0]?.outcomeReason ?? 'no node to drain';
    }
  }
  const exitCode = outcome === 'completes' ? 0 : outcome === 'unknown' ? 2 : 1;
  const needed = predictions.map((p) => flagsNeeded(model, p.node, flags));
  const union = needed.reduce<DrainFlags>(
    (a, b) => ({ ...a, ignoreDaemonsets: a.ignoreDaemonsets || b.ignoreDaemonsets, deleteEmptydirData: a.deleteEmptydirData || b.deleteEmptydirData, force: a.force || b.force }),
    { ...flags, ignoreDaemonsets: false, deleteEmptydirData: false, force: false },
  );
  return {
    nodes: predictions,
    flags,
    outcome,
    outcomeReason,
    exitCode,
    kubectlOutput: renderRun(sections),
    command: drainCommand(nodeNames, union),
    assumptions,
  };
}

/** What the prediction assumed because the input lacks a kind it reads. */
export interface InputAssumption {
  /** The kind missing from the input. */
  kind: string;
  text: string;
  /** The pod the assumption is about, when it is about one. */
  pod?: Pod;
}

/**
 * The kinds the prediction reads that the input may have left out, and what was assumed
 * without them. A kind counts as read when an object of it was, or when the input lists
 * it in full (a live read); for the pods given.
 */
export function inputAssumptions(model: ClusterModel, pods: Pod[]): InputAssumption[] {
  const listed = new Set(model.drain?.listedKinds ?? []);
  const has = (kind: string): boolean => listed.has(kind) || kindRead(model, kind);
  if (pods.length === 0) return [];
  const dump = `; ${DUMP_COMMAND} has it`;
  const out: InputAssumption[] = [];
  if (!has('PodDisruptionBudget')) out.push({ kind: 'PodDisruptionBudget', text: `no PodDisruptionBudget in the input: assumed none, so no eviction is refused with 429${dump}` });
  if (!has('Namespace')) out.push({ kind: 'Namespace', text: `no Namespace in the input: assumed none is Terminating${dump}` });
  if (!has('PersistentVolume')) {
    for (const pod of pods) {
      for (const v of pod.volumes) {
        if (!v.claimName) continue;
        const claim = volumeClaimNamed(model, pod.namespace, v.claimName);
        const bound = claim?.volumeName ? `PersistentVolume ${claim.volumeName}` : `the PersistentVolume of claim ${v.claimName}`;
        out.push({ kind: 'PersistentVolume', pod, text: `${podKey(pod)} mounts ${bound}, not in the input: assumed its node affinity does not pin the pod to its node${dump}` });
      }
    }
  }
  const webhookKinds = ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService'];
  // A live read lists every kind; one it could not list (403) is as unseen as one a dump left out.
  const unread = listed.size > 0 ? webhookKinds.filter((k) => !listed.has(k)) : [];
  if (webhookKinds.every((k) => !has(k))) {
    out.push({ kind: 'ValidatingWebhookConfiguration', text: `no webhook configuration or APIService in the input: assumed none is served from the drained nodes${dump}` });
  } else if (unread.length > 0) {
    out.push({ kind: unread[0]!, text: `${unread.join(', ')} could not be listed: assumed none is served from the drained nodes` });
  }
  return out;
}

function destinationNotes(model: ClusterModel, node: Node | undefined, fates: PodFate[]): string[] {
  const notes: string[] = [];
  if (node?.unschedulable) notes.push(`${node.name} is already cordoned (spec.unschedulable: true)`);
  const targets = new Set(fates.flatMap((f) => (f.destination?.node ? [f.destination.node] : [])));
  for (const name of [...targets].sort()) {
    const target = nodeNamed(model, name);
    if (target?.controlPlane && !target.taints.some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')) {
      notes.push(
        `${name} is a control-plane node without a NoSchedule taint: evicted pods can land there ` +
          `(kubeadm taints control-plane nodes node-role.kubernetes.io/control-plane:NoSchedule)`,
      );
    }
    if (fates.some((f) => f.destination?.node === name && !f.destination.capacityChecked)) {
      notes.push(`${name} has no status.allocatable in the input: whether the pods fit there was not checked`);
    }
  }
  return notes;
}

/** What `kubectl drain NODE` would do, pod by pod: kubectl's filters, the Eviction API, and where the scheduler could put each replacement. */
export function simulateDrain(model: ClusterModel, nodeName: string, flags: DrainFlags): DrainPrediction {
  return predictDrainRun(model, [nodeName], flags).nodes[0]!;
}

const drainKey = (nodeName: string, flags: DrainFlags): string => `drain ${nodeName}\u0000${JSON.stringify(flags)}`;

/** simulateDrain, remembered per model: several rules ask about the same node. */
export function predictDrain(model: ClusterModel, nodeName: string, flags: DrainFlags): DrainPrediction {
  progress.count('drain predictions');
  return remembered(model, drainKey(nodeName, flags), () => simulateDrain(model, nodeName, flags));
}

/** What predictDrain will answer for this model: a drain already simulated on a model with the same pods, nodes and budgets. */
export function rememberDrain(model: ClusterModel, nodeName: string, flags: DrainFlags, drain: DrainPrediction): void {
  remembered(model, drainKey(nodeName, flags), () => drain);
}


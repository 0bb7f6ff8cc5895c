import type { DrainFlags, Pod } from '../model/types.js';
import type { FilterVerdict } from './drain-filters.js';
import type { EvictionAnswer } from './eviction.js';
import type { Unplaced } from './placement.js';

export type DrainAction = 'evict' | 'delete' | 'skip' | 'refuse' | 'delete-forever';

/** How a drain ends: kubectl exits 0 (completes), exits non-zero (stops), never returns (hangs); or the input cannot tell. */
export type DrainOutcome = 'completes' | 'stops' | 'hangs' | 'unknown';

/** How one pod's part of the drain ends. */
export type PodEnd =
  /** Evicted or deleted, and gone (or, in a dry run, accepted). */
  | 'gone'
  /** Left on the node (a DaemonSet pod with --ignore-daemonsets, a mirror pod, a pod past --skip-wait-for-delete-timeout). */
  | 'stays'
  /** Refused by a filter: nothing on the node is evicted. */
  | 'refused'
  /** An error that fails the node's drain once the other pods are done. */
  | 'fails'
  /** drain waits for it until --timeout (forever by default). */
  | 'waits'
  /** The input cannot tell. */
  | 'unknown';

export type Destination =
  | { node: string; capacityChecked: boolean }
  | { node: null; message: string; nodes: { node: string; reason: string }[] };

export interface PodFate {
  pod: Pod;
  action: DrainAction;
  /** In kubectl's words (or the API server's, for an eviction it refuses). */
  reason: string;
  filter: FilterVerdict;
  /** The Eviction API's answer, for pods drain evicts (not with --disable-eviction or --dry-run=client). */
  eviction: EvictionAnswer | null;
  /** Where the replacement could run, for pods a controller recreates; null when nothing replaces the pod. */
  destination: Destination | null;
  /** The pod's emptyDir data is deleted with it. */
  losesEmptyDir: boolean;
  end: PodEnd;
  /** Why the pod fails, waits or cannot be told, in a sentence; null when it goes or stays. */
  holdUp: string | null;
}

export interface DrainPrediction {
  node: string;
  /** False when no such node was read (kubectl: `nodes "x" not found`). */
  nodeFound: boolean;
  flags: DrainFlags;
  fates: PodFate[];
  outcome: DrainOutcome;
  /** Why, in a sentence. */
  outcomeReason: string;
  /** When --timeout ends a drain that waits: about how many seconds after the evictions start kubectl gives up. */
  givesUpAfterSeconds: number | null;
  /** What kubectl would print for a drain of this node alone, line by line (repeated retries shown once). */
  kubectlOutput: string[];
  /** The `kubectl drain` that gets past every filter. */
  command: string;
  /** PDB refusals no drain flag gets past (short of --disable-eviction). */
  blockedBy: string[];
  /** Pods that command deletes for good. */
  lostByCommand: Pod[];
  /** What to do instead when that command would lose pods. */
  safeAlternative: string | null;
  /** Evicted pods that fit on no other node. */
  unplaced: Unplaced[];
  /** Facts about the destinations worth knowing (an untainted control-plane node, a node already cordoned). */
  notes: string[];
  /** What the prediction assumed where the input is silent. */
  assumptions: string[];
}

/** `kubectl drain A B ...` (or `--selector`): the nodes in kubectl's order and how the whole command ends. */
export interface DrainRunPrediction {
  nodes: DrainPrediction[];
  flags: DrainFlags;
  outcome: DrainOutcome;
  outcomeReason: string;
  /** kubectl's exit status as a gate reads it: 0 completes, 1 stops or hangs (ended by a timeout), 2 cannot tell. */
  exitCode: 0 | 1 | 2;
  kubectlOutput: string[];
  /** The `kubectl drain` of these nodes that gets past every filter. */
  command: string;
  assumptions: string[];
}

import type { ClusterModel, DrainFlags } from '../model/types.js';
import { drainFilter, PERMISSIVE_FLAGS, podsDrainLists } from './drain-filters.js';

/** A Go time.Duration as %v prints it: 5s, 1m0s, 1h30m0s. */
export function goDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** The flags that get every pod on the node past kubectl's filters (none more), with the caller's other flags. */
export function flagsNeeded(model: ClusterModel, nodeName: string, flags?: DrainFlags): DrainFlags {
  const base = flags ?? PERMISSIVE_FLAGS;
  const notes = podsDrainLists(model, nodeName, base).flatMap((p) => drainFilter(model, p, { ...base, ...PERMISSIVE_FLAGS }).notes);
  return {
    ...(flags ?? {}),
    ignoreDaemonsets: notes.some((n) => n.filter === 'daemonSet' && n.type === 'Warning' && !n.delete),
    deleteEmptydirData: notes.some((n) => n.filter === 'localStorage'),
    force: notes.some((n) => n.filter === 'unreplicated' || (n.filter === 'daemonSet' && n.delete)),
    disableEviction: flags?.disableEviction ?? false,
  };
}

/** `kubectl drain NODE --ignore-daemonsets ...` with the flags set. */
export function drainCommand(nodes: string | string[], flags: DrainFlags): string {
  const named: [boolean, string][] = [
    [flags.ignoreDaemonsets, '--ignore-daemonsets'],
    [flags.deleteEmptydirData, '--delete-emptydir-data'],
    [flags.force, '--force'],
    [flags.disableEviction, '--disable-eviction'],
    [flags.podSelector !== undefined, `--pod-selector=${shellWord(flags.podSelector ?? '')}`],
    [flags.gracePeriodSeconds !== undefined && flags.gracePeriodSeconds >= 0, `--grace-period=${flags.gracePeriodSeconds}`],
    [(flags.timeoutSeconds ?? 0) > 0, `--timeout=${goDuration(flags.timeoutSeconds ?? 0)}`],
    [(flags.skipWaitForDeleteTimeoutSeconds ?? 0) > 0, `--skip-wait-for-delete-timeout=${flags.skipWaitForDeleteTimeoutSeconds}`],
    [flags.dryRun !== undefined, `--dry-run=${flags.dryRun}`],
  ];
  return ['kubectl drain', ...(Array.isArray(nodes) ? nodes : [nodes]), ...named.filter(([on]) => on).map(([, flag]) => flag)].join(' ');
}

function shellWord(text: string): string {
  return /^[A-Za-z0-9_.,=/:-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

import type { ResourceDump } from '../../src/model/types.js';

/** The dump a restore would use: the newest. */
export function newestDump(dumps: ResourceDump[]): ResourceDump | null {
  return dumps.reduce<ResourceDump | null>((best, d) => (!best || d.takenAt > best.takenAt ? d : best), null);
}

/**
 * How to dump every kind the API server lists, namespaced and cluster-scoped,
 * as one file: one `kubectl get` of every resource makes one List (a kubectl
 * run per resource would write several Lists one after the other, with no
 * `---` between them, which is not one YAML document).
 */
export const FULL_DUMP_COMMAND =
  'kubectl get "$(kubectl api-resources --verbs=list -o name | paste -sd, -)" -A -o yaml > cluster-$(date -u +%Y-%m-%dT%H%MZ).yaml';

export function when(d: ResourceDump): string {
  return `${d.takenAt.toISOString().replace(/\.000Z$/, 'Z')}, by its ${d.takenAtFrom}`;
}

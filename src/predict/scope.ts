import type { ClusterModel, DrainFlags, Node } from '../model/types.js';
import { NO_FLAGS } from './drain-filters.js';

export { PERMISSIVE_FLAGS } from './drain-filters.js';

/**
 * The nodes drain rules look at: the ones being drained (`kcheck drain NODE`,
 * a plan step), or every node when no drain is asked for (each finding then
 * says what happens when that pod's node is drained).
 */
export function drainScope(model: ClusterModel): Node[] {
  const wanted = model.drain?.nodes;
  if (!wanted || wanted.length === 0) return model.nodes;
  return model.nodes.filter((n) => wanted.includes(n.name));
}

/** The flags of the drain asked for, or none when scanning. */
export function drainFlags(model: ClusterModel): DrainFlags {
  return model.drain?.flags ?? NO_FLAGS;
}

/** Whether drain rules judge a whole cluster (no particular drain asked for). */
export function scanningEveryNode(model: ClusterModel): boolean {
  return !model.drain || model.drain.nodes.length === 0;
}

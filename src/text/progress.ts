/**
 * Where the slow parts of a run say how far they have got, without knowing
 * who listens: the manifest reader once per file, the drain simulation once
 * per node, the planner once per step. By default nobody does (every call is
 * a no-op); the CLI puts its terminal line here at start-up (setProgress).
 *
 * It lives on the lowest floor so that sources, predict and plan can all call
 * it while src/cli stays the only floor that draws anything.
 */
export interface ProgressHook {
  /** What the run is doing now: "reading manifests", "planning". */
  stage(name: string): void;
  /** Adds `n` (default 1) to a tally shown with the stage: "files read", "drain predictions". */
  count(what: string, n?: number): void;
}

const silent: ProgressHook = {
  stage() {},
  count() {},
};

let current: ProgressHook = silent;

/** The process-wide hook the lower layers call; cheap enough for once per file, node or step. */
export const progress: ProgressHook = {
  stage: (name) => current.stage(name),
  count: (what, n = 1) => current.count(what, n),
};

/** Sends progress to `hook` from now on; returns the function that puts back the one before. */
export function setProgress(hook: ProgressHook): () => void {
  const before = current;
  current = hook;
  return () => {
    current = before;
  };
}

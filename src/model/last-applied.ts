/**
 * kubectl apply records the object it sent here; a live object is returned
 * converted to whatever version the reader asks for, so only this annotation
 * still shows the apiVersion the object was written with.
 * https://kubernetes.io/docs/reference/labels-annotations-taints/#kubectl-kubernetes-io-last-applied-configuration
 */
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * kubectl writes the annotation with Go's encoding/json, which sorts map
 * keys, so it starts with the top-level apiVersion and kind; reading those
 * first spares parsing large annotations on every object of a big cluster.
 */
const LEADING_VERSION = /^\s*\{"apiVersion":"([^"\\]+)","kind":"([^"\\]+)"/;

/** The apiVersion and kind the object was last applied with, per its annotation; null when it has none kubectl wrote. */
export function readLastApplied(annotations: Record<string, string> | undefined): { apiVersion: string; kind: string } | null {
  const text = annotations?.[LAST_APPLIED];
  if (!text) return null;
  const leading = LEADING_VERSION.exec(text);
  if (leading) return { apiVersion: leading[1]!, kind: leading[2]! };
  try {
    const applied = JSON.parse(text) as { apiVersion?: unknown; kind?: unknown };
    return typeof applied.apiVersion === 'string' && typeof applied.kind === 'string'
      ? { apiVersion: applied.apiVersion, kind: applied.kind }
      : null;
  } catch {
    // Not JSON: not written by kubectl, nothing to learn from it.
    return null;
  }
}

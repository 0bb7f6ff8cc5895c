/**
 * The one apiserver metric kcheck reads: a gauge set the first time a client
 * requests a deprecated API version, labelled with the group, version,
 * resource and planned removal (https://kubernetes.io/blog/2020/09/03/warnings/#metrics).
 * A live read converts every object to the version asked for, so this is how
 * a scan learns that clients still use a version about to be removed.
 */
const DEPRECATED_API_METRIC = 'apiserver_requested_deprecated_apis';

/**
 * Keeps that metric's samples (and its HELP/TYPE lines) out of a /metrics
 * answer: a real apiserver's /metrics runs to megabytes of other series.
 */
export function deprecatedApiLines(text: string): string {
  const kept: string[] = [];
  for (const line of text.split('\n')) {
    const name = line.startsWith('# ') ? line.split(' ')[2] : /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(line)?.[0];
    if (name === DEPRECATED_API_METRIC) kept.push(line);
  }
  return kept.length > 0 ? `${kept.join('\n')}\n` : '';
}

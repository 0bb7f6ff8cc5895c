import type { MetricsText, Provenance } from '../sources/types.js';
import type { RequestedDeprecatedApi } from './types.js';

/**
 * The gauge kube-apiserver sets to 1 the first time a client requests a
 * deprecated API version (since 1.19), labelled with group, version,
 * resource, subresource and removed_release (empty when no removal is
 * planned). It lives in memory: it starts empty when that apiserver
 * restarts, and each apiserver of an HA control plane has its own.
 * https://kubernetes.io/blog/2020/09/03/warnings/#metrics
 */
const DEPRECATED_API_METRIC = 'apiserver_requested_deprecated_apis';

/** `name{a="1",b="x\"y"} 1` → name, labels, value; null for comments, blank and malformed lines. */
function parseSample(line: string): { name: string; labels: Record<string, string>; value: number } | null {
  const m = /^([A-Za-z_:][A-Za-z0-9_:]*)(\{|\s)/.exec(line);
  if (!m) return null;
  const name = m[1]!;
  let at = name.length;
  const labels: Record<string, string> = {};
  if (line[at] === '{') {
    at += 1;
    for (;;) {
      while (line[at] === ' ' || line[at] === ',') at += 1;
      if (line[at] === '}') {
        at += 1;
        break;
      }
      const label = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"/.exec(line.slice(at));
      if (!label) return null;
      at += label[0].length;
      let value = '';
      for (;;) {
        const c = line[at];
        if (c === undefined) return null;
        at += 1;
        if (c === '"') break;
        if (c === '\\') {
          const escaped = line[at];
          at += 1;
          value += escaped === 'n' ? '\n' : escaped ?? '';
        } else {
          value += c;
        }
      }
      labels[label[1]!] = value;
    }
  }
  const value = Number(line.slice(at).trim().split(/\s+/)[0]);
  return Number.isNaN(value) ? null : { name, labels, value };
}

/**
 * Reads the deprecated APIs clients requested from the Prometheus text an
 * apiserver's GET /metrics returns. Other metrics are skipped; so are
 * samples at 0 (not requested since the gauge was reset).
 */
export function readDeprecatedApiMetrics(text: string, provenance: Provenance): RequestedDeprecatedApi[] {
  const found: RequestedDeprecatedApi[] = [];
  const seen = new Set<string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith(DEPRECATED_API_METRIC)) continue;
    const sample = parseSample(line);
    if (!sample || sample.name !== DEPRECATED_API_METRIC || sample.value === 0) continue;
    const { group = '', version = '', resource = '', subresource = '', removed_release: removed = '' } = sample.labels;
    if (!version || !resource) continue;
    const id = [group, version, resource, subresource].join('/');
    if (seen.has(id)) continue;
    seen.add(id);
    found.push({ group, version, resource, subresource, removedRelease: removed || null, provenance });
  }
  return found;
}

/** Every requested deprecated API in the metrics texts the sources read. */
export function readRequestedDeprecatedApis(metrics: MetricsText[] | undefined): RequestedDeprecatedApi[] {
  return (metrics ?? []).flatMap((m) => readDeprecatedApiMetrics(m.text, m.provenance));
}

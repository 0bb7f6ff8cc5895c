import type { RunResult } from '../engine/types.js';

/**
 * Several clusters scanned at once, as one result: findings keep their
 * cluster, so reports group them per cluster.
 */
export function combineResults(results: RunResult[]): RunResult {
  const first = results[0];
  if (!first) throw new Error('no results to combine');
  if (results.length === 1) return first;
  const byCluster = (r: RunResult, what: string) => (r.cluster ? `${r.cluster}: ${what}` : what);
  return {
    capturedAt: first.capturedAt,
    target: first.target,
    cluster: null,
    findings: results.flatMap((r) => r.findings),
    skippedRules: results.flatMap((r) => r.skippedRules.map((s) => ({ ...s, reason: byCluster(r, s.reason) }))),
    gaps: results.flatMap((r) => r.gaps),
    skippedDocuments: results.reduce((n, r) => n + r.skippedDocuments, 0),
    scanned: results.flatMap((r) => r.scanned),
    summary: {
      error: results.reduce((n, r) => n + r.summary.error, 0),
      warning: results.reduce((n, r) => n + r.summary.warning, 0),
      info: results.reduce((n, r) => n + r.summary.info, 0),
      suppressed: results.reduce((n, r) => n + r.summary.suppressed, 0),
    },
  };
}

import type { Finding, RunResult } from '../engine/types.js';
import { jsonText } from './escape-json.js';
import type { ReportContext } from './types.js';

/** Version of the JSON document's shape (docs/json-format.md); raised only on breaking changes. */
export const JSON_FORMAT_VERSION = 1;

/** The documented shape, built key by key so the key order never changes. */
function jsonFinding(finding: Finding) {
  const { object, location, suppressed } = finding;
  return {
    ruleId: finding.ruleId,
    severity: finding.severity,
    message: finding.message,
    object: object
      ? { apiVersion: object.apiVersion ?? null, kind: object.kind, namespace: object.namespace ?? null, name: object.name }
      : null,
    location: location ? { file: location.file, line: location.line, column: location.column } : null,
    cluster: finding.cluster,
    remediation: finding.remediation,
    docsUrl: finding.docsUrl,
    suppressed: suppressed ? { kind: suppressed.kind, reason: suppressed.reason } : null,
  };
}

export function jsonReport(result: RunResult, context: ReportContext) {
  return {
    tool: { name: 'kcheck', version: context.toolVersion },
    version: JSON_FORMAT_VERSION,
    capturedAt: result.capturedAt.toISOString(),
    target: result.target,
    cluster: result.cluster,
    scanned: [...result.scanned],
    findings: result.findings.map(jsonFinding),
    skippedRules: result.skippedRules.map((s) => ({ ruleId: s.ruleId, reason: s.reason })),
    skippedDocuments: result.skippedDocuments,
    incomplete: result.gaps.length > 0 ? { gaps: result.gaps.map((g) => ({ what: g.what, reason: g.reason })) } : null,
    summary: {
      error: result.summary.error,
      warning: result.summary.warning,
      info: result.summary.info,
      suppressed: result.summary.suppressed,
    },
  };
}


/** The JSON report: every finding, suppressed ones included, 2-space indented. */
export function formatJson(result: RunResult, context: ReportContext): string {
  return `${jsonText(jsonReport(result, context))}\n`;
}

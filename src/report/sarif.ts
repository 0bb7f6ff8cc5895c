import type * as Sarif from 'sarif';
import { REPOSITORY_URL } from '../engine/docs-url.js';
import type { Finding, RunResult } from '../engine/types.js';
import { SEVERITY_RANK } from '../engine/types.js';
import { jsonText } from './escape-json.js';
import { sarifText } from './escape-sarif.js';
import { MissingSarifAnchorError, anchoredFingerprints } from './sarif-anchor.js';
import { SARIF_LEVEL, ruleDescriptor } from './sarif-rules.js';
import { artifactUri } from './sarif-uri.js';
import type { ReportContext } from './types.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** GitHub code scanning rejects a run with more results than this. */
export const GITHUB_MAX_RESULTS = 25_000;

/**
 * The most severe findings when there are more than GitHub takes, in their
 * original order; suppressed findings are the first left out.
 */
export function resultsGitHubTakes(findings: Finding[], max = GITHUB_MAX_RESULTS): Finding[] {
  if (findings.length <= max) return findings;
  const rank = (f: Finding): number => (f.suppressed ? 0 : SEVERITY_RANK[f.severity]);
  const kept = new Set(
    findings
      .map((finding, index) => ({ finding, index }))
      .sort((a, b) => rank(b.finding) - rank(a.finding) || a.index - b.index)
      .slice(0, max)
      .map(({ index }) => index),
  );
  return findings.filter((_, index) => kept.has(index));
}

function logicalLocation(finding: Finding): Sarif.LogicalLocation[] | undefined {
  const { object } = finding;
  if (!object) return undefined;
  const path = [finding.cluster, object.kind, object.namespace, object.name].filter((part) => part);
  return [{ name: object.name, fullyQualifiedName: path.join('/'), kind: 'object' }];
}

function suppressions(finding: Finding): Sarif.Suppression[] | undefined {
  if (!finding.suppressed) return undefined;
  // An ignore annotation lives on the object itself; a config ignore entry lives elsewhere.
  const kind = finding.suppressed.kind === 'annotation' ? 'inSource' : 'external';
  return [{ kind, justification: finding.suppressed.reason }];
}

const sentence = (text: string): string => (/[.!?]$/.test(text) ? text : `${text}.`);

/** Tells GitHub code scanning why the run is incomplete, what was left out and which rules were skipped. */
function invocation(result: RunResult, ruleIndex: Map<string, number>, dropped: number, max: number): Sarif.Invocation {
  const notifications: Sarif.Notification[] = result.gaps.map((gap) => ({
    level: 'error',
    message: { text: sarifText(sentence(`The scan is incomplete: ${gap.what}: ${gap.reason}`)) },
  }));
  if (dropped > 0) {
    notifications.push({
      level: 'warning',
      message: {
        text: `${dropped} findings are left out: GitHub code scanning takes at most ${max} results per run; the JSON report has them all.`,
      },
    });
  }
  const skipped: Sarif.Notification[] = result.skippedRules.map((skip) => ({
    level: 'note',
    message: { text: sarifText(sentence(`Rule ${skip.ruleId} was skipped: ${skip.reason}`)) },
    associatedRule: ruleIndex.has(skip.ruleId) ? { id: skip.ruleId, index: ruleIndex.get(skip.ruleId) } : { id: skip.ruleId },
  }));
  return {
    executionSuccessful: result.gaps.length === 0,
    ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
    ...(skipped.length > 0 ? { toolConfigurationNotifications: skipped } : {}),
  };
}

/**
 * Category of the analysis: the one asked for (`--sarif-category`), else one
 * per cluster, or `files` for offline scans; GitHub wants a trailing `/`.
 */
function automationId(result: RunResult, category?: string): string {
  if (category !== undefined && category !== '') return category.endsWith('/') ? category : `${category}/`;
  const name = result.cluster === null ? 'files' : result.cluster.replace(/[^\w.@:-]+/g, '-');
  return `kcheck/${name}/`;
}

/**
 * SARIF 2.1.0 as GitHub code scanning accepts it: one run, every rule with
 * markdown help, every result with a physical location. Findings without a
 * file are anchored to `context.sarifAnchor` (line 1) with their own
 * fingerprint and the object as a logical location.
 * https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
 */
export function sarifLog(result: RunResult, context: ReportContext, maxResults = GITHUB_MAX_RESULTS): Sarif.Log {
  const findings = resultsGitHubTakes(result.findings, maxResults);
  const unanchored = findings.filter((f) => !f.location);
  if (unanchored.length > 0 && !context.sarifAnchor) throw new MissingSarifAnchorError(unanchored);
  const anchorUri = context.sarifAnchor ? artifactUri(context.sarifAnchor, context.cwd) : '';

  const ruleIndex = new Map(context.rules.map((rule, index) => [rule.id, index]));
  for (const finding of findings) {
    if (!ruleIndex.has(finding.ruleId)) {
      throw new Error(`finding of rule ${finding.ruleId}, which is not among the registered rules given to the SARIF report`);
    }
  }
  const fingerprint = anchoredFingerprints();

  const results = findings.map((finding): Sarif.Result => {
    const { location } = finding;
    const physicalLocation: Sarif.PhysicalLocation = location
      ? {
          artifactLocation: { uri: artifactUri(location.file, context.cwd) },
          region: { startLine: Math.max(1, location.line), startColumn: Math.max(1, location.column) },
        }
      : { artifactLocation: { uri: anchorUri }, region: { startLine: 1, startColumn: 1 } };
    const logicalLocations = logicalLocation(finding);
    const suppressed = suppressions(finding);
    return {
      ruleId: finding.ruleId,
      ruleIndex: ruleIndex.get(finding.ruleId) ?? -1,
      level: SARIF_LEVEL[finding.severity],
      message: { text: sarifText(finding.message) },
      locations: [{ physicalLocation, ...(logicalLocations ? { logicalLocations } : {}) }],
      ...(location ? {} : { partialFingerprints: { primaryLocationLineHash: fingerprint(finding) } }),
      ...(suppressed ? { suppressions: suppressed } : {}),
    };
  });

  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kcheck',
            version: context.toolVersion,
            semanticVersion: context.toolVersion,
            informationUri: REPOSITORY_URL,
            rules: context.rules.map((rule) => ruleDescriptor(rule, context.ruleDocs?.get(rule.id))),
          },
        },
        automationDetails: { id: automationId(result, context.sarifCategory) },
        invocations: [invocation(result, ruleIndex, result.findings.length - findings.length, maxResults)],
        results,
        properties: { capturedAt: result.capturedAt.toISOString(), target: result.target },
      },
    ],
  };
}

export function formatSarif(result: RunResult, context: ReportContext): string {
  return `${jsonText(sarifLog(result, context))}\n`;
}

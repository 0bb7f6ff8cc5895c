import type { Finding, RunResult, Severity } from '../engine/types.js';
import { minorOf } from '../model/version.js';
import type { UpgradePlan } from '../plan/plan.js';
import { plural } from './describe.js';
import { findingPlace, findingsByImportance } from './importance.js';
import { formatPlanMarkdown, planMermaid } from './plan.js';
import { markdownCode, markdownText } from './escape-markdown.js';
import { repoPath } from './repo-path.js';
import type { ReportContext } from './types.js';
import { takenText, type BackupsView } from '../views/backups.js';

/**
 * GitHub takes at most 1 MiB of job summary per step and shows an error
 * instead of a longer one.
 * https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands#adding-a-job-summary
 */
export const JOB_SUMMARY_MAX_BYTES = 1024 * 1024;

/** Rows of the findings table; past this a table is read by nobody. */
const MARKDOWN_MAX_ROWS = 100;

export interface MarkdownLimits {
  maxBytes?: number;
  maxRows?: number;
}

const SEVERITY_BADGE: Record<Severity, string> = { error: '❌ error', warning: '⚠️ warning', info: 'ℹ️ info' };

/** Text that stays inside one table cell: no pipes, no line breaks (they become `<br>`), no HTML or links. */
export function tableCell(text: string): string {
  return markdownText(text, '<br>');
}

/** The first paragraph of a message (parse errors go on with a code frame). */
function firstParagraph(message: string): string {
  const [first = ''] = message.trim().split(/\n\s*\n/);
  return first.replace(/\s*\n\s*/g, ' ').trim();
}

function headline(result: RunResult): string {
  const { error, warning, info } = result.summary;
  if (error + warning + info === 0) {
    return result.gaps.length > 0 ? '## kcheck: ⚠️ no problems found, but the scan is incomplete' : '## kcheck: ✅ no problems';
  }
  return `## kcheck: ${plural(error, 'error')}, ${plural(warning, 'warning')}, ${info} info`;
}

function scanLine(result: RunResult): string {
  const parts: string[] = [];
  if (result.cluster !== null) parts.push(`cluster **${tableCell(result.cluster)}**`);
  parts.push(`captured ${result.capturedAt.toISOString().replace(/\.\d{3}Z$/, 'Z')}`);
  parts.push(result.target !== null ? `upgrade target **${result.target}**` : 'no upgrade target');
  if (result.summary.suppressed > 0) parts.push(`${result.summary.suppressed} suppressed`);
  if (result.skippedRules.length > 0) parts.push(`${plural(result.skippedRules.length, 'rule')} skipped`);
  const text = parts.join(', ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

function gapsSection(result: RunResult): string[] {
  if (result.gaps.length === 0) return [];
  return [
    '> [!WARNING]',
    '> The scan is incomplete; what could not be read was not checked:',
    ...result.gaps.map((gap) => `> - ${tableCell(gap.what)}: ${tableCell(gap.reason)}`),
    '',
  ];
}

function ruleLink(finding: Pick<Finding, 'ruleId' | 'docsUrl'>): string {
  return `[\`${finding.ruleId}\`](${finding.docsUrl})`;
}

function ruleCounts(listed: Finding[]): string[] {
  if (listed.length === 0) return [];
  const byRule = new Map<string, { first: Finding; counts: Record<Severity, number> }>();
  for (const finding of listed) {
    const entry = byRule.get(finding.ruleId) ?? { first: finding, counts: { error: 0, warning: 0, info: 0 } };
    entry.counts[finding.severity] += 1;
    byRule.set(finding.ruleId, entry);
  }
  const rows = [...byRule.values()].map(({ first, counts }) => {
    const cells = (['error', 'warning', 'info'] as const).map((s) => (counts[s] > 0 ? String(counts[s]) : ''));
    return `| ${ruleLink(first)} | ${cells.join(' | ')} |`;
  });
  return ['### Findings by rule', '', '| rule | errors | warnings | info |', '|---|--:|--:|--:|', ...rows, ''];
}

function findingRow(finding: Finding, context: ReportContext): string {
  const place = finding.location
    ? findingPlace({ ...finding, location: { ...finding.location, file: repoPath(finding.location.file, context.cwd) } })
    : findingPlace(finding);
  return `| ${SEVERITY_BADGE[finding.severity]} | ${ruleLink(finding)} | ${markdownCode(place)} | ${tableCell(firstParagraph(finding.message))} |`;
}

const VERDICT_BADGE: Record<Severity | 'ok', string> = { ...SEVERITY_BADGE, ok: '✅ ok' };

/** Every backup read, one row each, with its age and the backup rules' verdict and messages. */
function backupsSection(view: BackupsView | undefined, context: ReportContext): string[] {
  if (!view || view.rows.length === 0) return [];
  const rows = view.rows.map((row) => {
    if ('none' in row) return `| ${row.kind} | _${tableCell(row.none)}_ |  |  |`;
    const name = row.file ? repoPath(row.name, context.cwd) : row.name;
    const messages = row.findings.map((f) => `${tableCell(firstParagraph(f.message))} (${ruleLink(f)})`);
    const age = `${tableCell(row.age)}${row.takenAt ? ` (${tableCell(takenText(row))})` : ''}`;
    return `| ${row.kind} | ${markdownCode(name)} | ${age} | ${[VERDICT_BADGE[row.verdict], ...messages].join('<br>')} |`;
  });
  return ['### Backups', '', '| kind | backup | age | verdict |', '|---|---|---|---|', ...rows, ''];
}

const TABLE_HEAD = ['### Findings that matter most', '', '| severity | rule | where | message |', '|---|---|---|---|'];

function leftOutNote(count: number, bySize: boolean, maxRows: number): string {
  const why = bySize ? 'a job summary holds at most 1 MiB' : `the table shows the ${plural(maxRows, 'finding')} that matter most`;
  return `_${plural(count, 'more finding')} not listed here (${why}); the SARIF and JSON reports have every finding._`;
}

const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * The upgrade plan with its Mermaid diagram; when the whole plan would take
 * more than half the summary, only the diagram, with the command that prints
 * the rest.
 */
function planSection(plan: UpgradePlan | undefined, maxBytes: number, notMade?: string): string {
  if (notMade !== undefined) return `\n## Upgrade plan\n\n_No upgrade plan: ${markdownText(notMade)}._\n`;
  if (!plan) return '';
  const full = formatPlanMarkdown(plan);
  if (byteLength(full) <= maxBytes / 2) return `\n${full}`;
  const short = [
    `## Upgrade plan to ${minorOf(plan.to)}`,
    '',
    '```mermaid',
    planMermaid(plan),
    '```',
    '',
    `_The steps' commands and findings do not fit in the job summary: \`kcheck plan --target ${minorOf(plan.to)} --format markdown\` prints them._`,
    '',
  ].join('\n');
  return byteLength(short) <= maxBytes / 2 ? `\n${short}` : '';
}

/**
 * The job summary: the counts, findings per rule, the backups when the
 * context lists them, the findings that matter most as a table (cut to stay
 * under GitHub's 1 MiB, with a note saying how many were left out), then the
 * upgrade plan when the context has one.
 */
export function markdownReport(result: RunResult, context: ReportContext, limits: MarkdownLimits = {}): string {
  const maxBytes = limits.maxBytes ?? JOB_SUMMARY_MAX_BYTES;
  const maxRows = limits.maxRows ?? MARKDOWN_MAX_ROWS;
  const ordered = findingsByImportance(result.findings, context.rules);
  const head = [headline(result), '', scanLine(result), '', ...gapsSection(result), ...ruleCounts(ordered), ...backupsSection(context.backups, context)].join('\n');
  const plan = planSection(context.plan, maxBytes, context.planNotMade);
  if (ordered.length === 0) return `${head}\n${plan}`;

  const rows: string[] = [];
  const fixed = `${head}\n${TABLE_HEAD.join('\n')}\n`;
  // Room for the note, whatever count it ends up giving, and for the plan after the table.
  const reserve = byteLength(`\n${leftOutNote(ordered.length, true, maxRows)}\n`) + byteLength(plan);
  let size = byteLength(fixed);
  let bySize = false;
  for (const finding of ordered.slice(0, maxRows)) {
    const row = `${findingRow(finding, context)}\n`;
    if (size + byteLength(row) + reserve > maxBytes) {
      bySize = true;
      break;
    }
    rows.push(row);
    size += byteLength(row);
  }
  const leftOut = ordered.length - rows.length;
  const note = leftOut > 0 ? `\n${leftOutNote(leftOut, bySize, maxRows)}\n` : '';
  return `${fixed}${rows.join('')}${note}${plan}`;
}

/** `--format markdown`: the document the GitHub Action writes as its job summary. */
export function formatMarkdown(result: RunResult, context: ReportContext): string {
  return markdownReport(result, context);
}

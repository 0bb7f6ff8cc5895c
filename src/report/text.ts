import type { Finding, RunResult, Severity } from '../engine/types.js';
import { paint, type Paint } from './ansi.js';
import { objectLabel, plural } from './describe.js';
import { terminalText } from './escape-terminal.js';
import type { ReportContext } from './types.js';

type GroupKind = 'file' | 'cluster' | 'other';

interface Group {
  kind: GroupKind;
  header: string;
  findings: Finding[];
}

const GROUP_ORDER: Record<GroupKind, number> = { file: 0, cluster: 1, other: 2 };

/**
 * Findings with neither a file nor a cluster come from flags
 * (`--kubectl-version`, `--target`) or from kcheck's own release data.
 */
const OTHER_HEADER = '(no file)';

const SEVERITY_STYLE: Record<Severity, 'red' | 'yellow' | 'blue'> = { error: 'red', warning: 'yellow', info: 'blue' };

function groupOf(finding: Finding): Omit<Group, 'findings'> {
  if (finding.location) return { kind: 'file', header: terminalText(finding.location.file) };
  if (finding.cluster !== null) return { kind: 'cluster', header: `cluster ${terminalText(finding.cluster)}` };
  return { kind: 'other', header: OTHER_HEADER };
}

/** Files first (in the order findings come), then live clusters, then the rest. */
function groupFindings(findings: Finding[]): Group[] {
  const groups = new Map<string, Group>();
  for (const finding of findings) {
    const { kind, header } = groupOf(finding);
    const key = `${kind}\u0000${header}`;
    const group = groups.get(key) ?? { kind, header, findings: [] };
    group.findings.push(finding);
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => GROUP_ORDER[a.kind] - GROUP_ORDER[b.kind]);
}

const widest = (cells: string[]): number => Math.max(0, ...cells.map((c) => c.length));

/** `line:col` with lines right-aligned and columns left-aligned, as ESLint's stylish prints them. */
function filePositions(findings: Finding[], p: Paint): string[] {
  const lines = findings.map((f) => String(f.location?.line ?? 0));
  const columns = findings.map((f) => String(f.location?.column ?? 0));
  const lineWidth = widest(lines);
  const columnWidth = widest(columns);
  return lines.map((line, i) => {
    const column = columns[i] ?? '';
    return p.dim(`${line.padStart(lineWidth)}:${column}`) + ' '.repeat(columnWidth - column.length);
  });
}

function objectPositions(findings: Finding[]): string[] {
  const labels = findings.map((f) => (f.object ? terminalText(objectLabel(f.object)) : '-'));
  const width = widest(labels);
  return labels.map((label) => label.padEnd(width));
}

/**
 * One line per finding: the first paragraph (YAML parse errors go on with a
 * code frame the position already points at), lines folded, no closing
 * period or colon (ESLint's stylish drops the period too), and nothing in it
 * that a terminal or the GitHub runner would obey.
 */
function rowMessage(message: string): string {
  const [first = ''] = message.trim().split(/\n\s*\n/);
  return terminalText(first.replace(/\s*\n\s*/g, ' ').trim().replace(/([^ ])[.:]$/, '$1'));
}

function formatGroup(group: Group, p: Paint): string[] {
  const positions = group.kind === 'file' ? filePositions(group.findings, p) : objectPositions(group.findings);
  const messages = group.findings.map((f) => rowMessage(f.message));
  const severityWidth = widest(group.findings.map((f) => f.severity));
  const messageWidth = widest(messages);
  const rows = group.findings.map((finding, i) => {
    const severity = p[SEVERITY_STYLE[finding.severity]](finding.severity) + ' '.repeat(severityWidth - finding.severity.length);
    const message = (messages[i] ?? '').padEnd(messageWidth);
    return `  ${positions[i] ?? ''}  ${severity}  ${message}  ${p.dim(finding.ruleId)}`;
  });
  return [p.underline(group.header), ...rows, ''];
}

function problemsLine(result: RunResult, p: Paint): string {
  const { error, warning, info, suppressed } = result.summary;
  const total = error + warning + info;
  const style = error > 0 ? 'red' : warning > 0 ? 'yellow' : 'blue';
  const counts = `${plural(error, 'error')}, ${plural(warning, 'warning')}, ${info} info`;
  const hidden = suppressed > 0 ? `, ${suppressed} suppressed` : '';
  return p.bold(p[style](`\u2716 ${plural(total, 'problem')} (${counts})${hidden}`));
}

function cleanLine(result: RunResult, p: Paint): string {
  const hidden = result.summary.suppressed > 0 ? `, ${result.summary.suppressed} suppressed` : '';
  if (result.gaps.length > 0) {
    return p.bold(p.yellow(`\u26a0 no problems found, but the scan is incomplete${hidden}`));
  }
  const scanned = result.scanned;
  const where = scanned.length === 0 ? '' : scanned.length === 1 ? ` in ${terminalText(scanned[0]!)}` : ` in ${plural(scanned.length, 'input')}`;
  return p.bold(p.green(`\u2714 no problems${where}${hidden}`));
}

/** Skipped rules counted per reason, and documents that were not Kubernetes objects. */
function skippedLine(result: RunResult, p: Paint): string | null {
  const byReason = new Map<string, number>();
  for (const skipped of result.skippedRules) byReason.set(skipped.reason, (byReason.get(skipped.reason) ?? 0) + 1);
  const parts = [...byReason].map(([reason, count]) => `${plural(count, 'rule')} skipped: ${terminalText(reason)}`);
  if (result.skippedDocuments > 0) {
    parts.push(`${plural(result.skippedDocuments, 'non-Kubernetes document')} skipped`);
  }
  return parts.length > 0 ? p.dim(parts.join('; ')) : null;
}

function explainHint(listed: Finding[]): string {
  const ruleIds = new Set(listed.map((f) => f.ruleId));
  const [only] = ruleIds;
  return `Run kcheck explain ${ruleIds.size === 1 && only ? only : '<rule-id>'} for how to fix.`;
}

/**
 * ESLint-stylish text: findings grouped by file (`line:col`), by cluster
 * (`Kind ns/name`) and the rest, then one summary line. Suppressed findings
 * are counted, not listed.
 */
export function formatText(result: RunResult, context: ReportContext): string {
  const p = paint(context.color);
  const listed = result.findings.filter((f) => !f.suppressed);
  const lines: string[] = [];
  for (const group of groupFindings(listed)) lines.push(...formatGroup(group, p));
  lines.push(listed.length > 0 ? problemsLine(result, p) : cleanLine(result, p));
  for (const gap of result.gaps) lines.push(`${p.bold(p.red('incomplete:'))} ${terminalText(gap.what)}: ${terminalText(gap.reason.replace(/\s*\n\s*/g, ' '))}`);
  const skipped = skippedLine(result, p);
  if (skipped) lines.push(skipped);
  if (listed.length > 0) lines.push('', explainHint(listed));
  return `${lines.join('\n')}\n`;
}

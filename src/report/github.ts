import type { Finding, RunResult } from '../engine/types.js';
import { objectLabel, plural } from './describe.js';
import { annotationText, escapeData, escapeProperty } from './escape-workflow.js';
import { findingsByImportance } from './importance.js';
import { repoPath } from './repo-path.js';
import type { ReportContext } from './types.js';

type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface Annotation {
  level: AnnotationLevel;
  message: string;
  title?: string;
  file?: string;
  line?: number;
  col?: number;
}

/**
 * GitHub shows at most 10 error and 10 warning annotations per step (and as
 * many notices) and drops the rest without a word.
 * https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands#setting-an-error-message
 */
const GITHUB_ANNOTATIONS_PER_LEVEL = 10;

const LEVEL: Record<Finding['severity'], AnnotationLevel> = { error: 'error', warning: 'warning', info: 'notice' };

export { escapeData, escapeProperty };

/** `::error file=F,line=L,col=C,title=T::message`, one line. */
export function annotationCommand(annotation: Annotation): string {
  const properties: string[] = [];
  if (annotation.file !== undefined) properties.push(`file=${escapeProperty(annotationText(annotation.file))}`);
  if (annotation.line !== undefined) properties.push(`line=${annotation.line}`);
  if (annotation.col !== undefined) properties.push(`col=${annotation.col}`);
  if (annotation.title !== undefined) properties.push(`title=${escapeProperty(annotationText(annotation.title))}`);
  const head = properties.length > 0 ? `::${annotation.level} ${properties.join(',')}` : `::${annotation.level}`;
  return `${head}::${escapeData(annotationText(annotation.message))}`;
}

function findingAnnotation(finding: Finding, context: ReportContext): Annotation {
  const { location, object } = finding;
  // Without a file GitHub cannot point at a line, so the title says what the finding is about.
  const about = location ? '' : object ? `: ${objectLabel(object)}` : finding.cluster !== null ? `: cluster ${finding.cluster}` : '';
  const message = [finding.message, '', `How to fix: ${finding.remediation}`, finding.docsUrl].join('\n');
  return {
    level: LEVEL[finding.severity],
    message,
    title: `kcheck ${finding.ruleId}${about}`,
    ...(location
      ? { file: repoPath(location.file, context.cwd), line: Math.max(1, location.line), col: Math.max(1, location.column) }
      : {}),
  };
}

/**
 * The annotations GitHub will show: scan gaps first (they are errors), then
 * findings by importance, at most `perLevel` of each level; when some are
 * left out, the last notice counts them.
 */
export function githubAnnotations(result: RunResult, context: ReportContext, perLevel = GITHUB_ANNOTATIONS_PER_LEVEL): Annotation[] {
  const candidates: Annotation[] = [
    ...result.gaps.map((gap): Annotation => ({ level: 'error', title: 'kcheck: the scan is incomplete', message: `${gap.what}: ${gap.reason}` })),
    ...findingsByImportance(result.findings, context.rules).map((finding) => findingAnnotation(finding, context)),
  ];
  const shown: Annotation[] = [];
  const left: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  const used: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  for (const annotation of candidates) {
    if (used[annotation.level] < perLevel) {
      shown.push(annotation);
      used[annotation.level] += 1;
    } else {
      left[annotation.level] += 1;
    }
  }
  const leftOut = left.error + left.warning + left.notice;
  if (leftOut === 0) return shown;
  // The count takes the place of the last notice when notices are full.
  if (used.notice === perLevel) {
    const lastNotice = shown.map((a) => a.level).lastIndexOf('notice');
    shown.splice(lastNotice, 1);
    left.notice += 1;
  }
  const parts = [
    left.error > 0 ? plural(left.error, 'error') : '',
    left.warning > 0 ? plural(left.warning, 'warning') : '',
    left.notice > 0 ? `${left.notice} info` : '',
  ].filter((part) => part !== '');
  shown.push({
    level: 'notice',
    title: 'kcheck: more findings',
    message: `${parts.join(', ')} not shown: GitHub shows ${perLevel} annotations of each level per step; the job summary and the other report formats list every finding.`,
  });
  return shown;
}

/** `--format github`: workflow commands that GitHub Actions turns into annotations. Nothing when clean. */
export function formatGithub(result: RunResult, context: ReportContext): string {
  const lines = githubAnnotations(result, context).map(annotationCommand);
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

import type { IgnoreEntry } from './config.js';
import type { Finding } from './types.js';

/**
 * Annotation that suppresses one rule on one object; its value is the reason
 * (as kube-linter's ignore-check annotations ask for).
 */
export const IGNORE_ANNOTATION_PREFIX = 'ignore.kcheck.io/';

function globMatch(pattern: string | undefined, value: string | undefined): boolean {
  if (pattern === undefined) return true;
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(value ?? '');
}

function configMatch(entry: IgnoreEntry, finding: Finding): boolean {
  if (entry.rule !== '*' && entry.rule !== finding.ruleId) return false;
  const object = finding.object;
  if (!object) return entry.kind === undefined && entry.namespace === undefined && entry.name === undefined;
  return globMatch(entry.kind, object.kind) && globMatch(entry.namespace, object.namespace) && globMatch(entry.name, object.name);
}

/**
 * An annotation's value. The model hands over annotations as strings
 * (a null value is "", as the API server reads it); anything else a rule
 * passes is no annotation.
 */
function annotationValue(annotations: Record<string, string> | undefined, key: string): string | undefined {
  if (!annotations || !Object.hasOwn(annotations, key)) return undefined;
  const value: unknown = annotations[key];
  if (value === null) return '';
  return typeof value === 'string' ? value : undefined;
}

/** Why a finding is suppressed, if it is: the object's annotation first, then the config. */
export function suppression(
  finding: Finding,
  annotations: Record<string, string> | undefined,
  ignores: IgnoreEntry[],
): Finding['suppressed'] {
  const reason = annotationValue(annotations, IGNORE_ANNOTATION_PREFIX + finding.ruleId) ?? annotationValue(annotations, `${IGNORE_ANNOTATION_PREFIX}all`);
  // An empty reason still suppresses; the ignore-without-reason rule reports it.
  if (reason !== undefined) return { kind: 'annotation', reason: reason.trim() || '(no reason given)' };
  const entry = ignores.find((e) => configMatch(e, finding));
  return entry ? { kind: 'config', reason: entry.reason } : null;
}

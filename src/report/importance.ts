import type { Finding, RuleCategory, RuleMeta } from '../engine/types.js';
import { SEVERITY_RANK } from '../engine/types.js';
import { objectLabel } from './describe.js';

/**
 * Within one severity, what an operator should read first: input that could
 * not be parsed (nothing in it was checked), then what stops the upgrade
 * itself, then what leaves no way back (etcd, then the other backups), then skew, removed APIs,
 * drains and certificates.
 */
const CATEGORY_ORDER: RuleCategory[] = ['input', 'upgrade', 'etcd', 'backups', 'versions', 'apis', 'drain', 'certificates'];

/**
 * Unsuppressed findings, most important first: by severity, then by the
 * category order above, then in the order the scan found them.
 */
export function findingsByImportance(findings: readonly Finding[], rules: readonly RuleMeta<unknown>[]): Finding[] {
  const category = new Map(rules.map((rule) => [rule.id, rule.category]));
  const categoryRank = (finding: Finding): number => {
    const index = CATEGORY_ORDER.indexOf(category.get(finding.ruleId) ?? 'input');
    return index === -1 ? CATEGORY_ORDER.length : index;
  };
  return findings
    .map((finding, index) => ({ finding, index }))
    .filter(({ finding }) => !finding.suppressed)
    .sort(
      (a, b) =>
        SEVERITY_RANK[b.finding.severity] - SEVERITY_RANK[a.finding.severity] ||
        categoryRank(a.finding) - categoryRank(b.finding) ||
        a.index - b.index,
    )
    .map(({ finding }) => finding);
}

/** Where a finding is, as a reader looks for it: `file:line:col`, else the object, else the cluster. */
export function findingPlace(finding: Finding): string {
  const { location, object } = finding;
  if (location) return `${location.file}:${location.line}:${location.column}`;
  const label = object ? objectLabel(object) : '';
  if (finding.cluster !== null) return label ? `${label} (cluster ${finding.cluster})` : `cluster ${finding.cluster}`;
  return label || '-';
}

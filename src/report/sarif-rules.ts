import type * as Sarif from 'sarif';
import { docsUrl } from '../engine/docs-url.js';
import type { RuleMeta, Severity } from '../engine/types.js';

export const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/** SARIF's `name` is a friendly name in PascalCase: kubelet-version-skew -> KubeletVersionSkew. */
function friendlyName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

/** The first prose paragraph of a rule doc (headings and code blocks skipped). */
function firstParagraph(markdown: string): string | null {
  for (const block of markdown.split(/\r?\n\s*\r?\n/)) {
    const text = block.trim();
    if (text === '' || text.startsWith('#') || text.startsWith('```') || text.startsWith('|')) continue;
    return text.replace(/\s*\r?\n\s*/g, ' ');
  }
  return null;
}

/**
 * GitHub shows `help` on every alert but never `helpUri`, so the link to the
 * rule's documentation goes inside `help.markdown` (and `help.text`).
 * https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning#reportingdescriptor-object
 */
export function ruleDescriptor(rule: RuleMeta<unknown>, doc: string | undefined): Sarif.ReportingDescriptor {
  const url = docsUrl(rule.id);
  const markdown = doc?.trim()
    ? `${doc.trim()}\n\n[Documentation of ${rule.id}](${url})`
    : `${rule.description}\n\n**How to fix:** ${rule.remediation}\n\n[Documentation of ${rule.id}](${url})`;
  return {
    id: rule.id,
    name: friendlyName(rule.id),
    shortDescription: { text: rule.description },
    fullDescription: { text: (doc && firstParagraph(doc)) ?? rule.description },
    helpUri: url,
    help: {
      text: `${rule.description}\n\nHow to fix: ${rule.remediation}\n\nDocumentation: ${url}`,
      markdown,
    },
    defaultConfiguration: { level: SARIF_LEVEL[rule.severity] },
    properties: { tags: [rule.category] },
  };
}

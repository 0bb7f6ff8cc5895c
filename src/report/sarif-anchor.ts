import { createHash } from 'node:crypto';
import { UsageError } from '../engine/errors.js';
import type { Finding } from '../engine/types.js';
import { objectLabel, plural } from './describe.js';

/**
 * SARIF output has findings without a file (live cluster objects, flags) and
 * no repository file to anchor them to. GitHub rejects a whole SARIF file when
 * one result lacks a physical location, so this is a usage error (exit 2).
 */
export class MissingSarifAnchorError extends UsageError {
  constructor(unanchored: Finding[]) {
    const first = unanchored[0];
    const about = first ? ` (first: ${first.ruleId}${first.object ? ` about ${objectLabel(first.object)}` : ''})` : '';
    super(
      `SARIF needs a repository file to anchor ${plural(unanchored.length, 'finding')} that have no file${about}; ` +
        'give one with --sarif-anchor FILE',
    );
  }
}

/** What the finding is about, without its message (messages carry versions that change between runs). */
function identity(finding: Finding): string {
  const { object } = finding;
  const parts = [finding.ruleId, finding.cluster ?? ''];
  if (object) parts.push(object.kind, object.namespace ?? '', object.name);
  return parts.join('\u0000');
}

/**
 * `partialFingerprints.primaryLocationLineHash` for findings anchored to a
 * file they are not in. GitHub otherwise fingerprints the anchor's line 1,
 * and every finding anchored there collapses into one alert. Same shape as
 * upload-sarif's own hashes: `<hex>:<occurrence>`.
 */
export function anchoredFingerprints(): (finding: Finding) => string {
  const seen = new Map<string, number>();
  return (finding) => {
    const hash = createHash('sha256').update(identity(finding)).digest('hex').slice(0, 16);
    const occurrence = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, occurrence);
    return `${hash}:${occurrence}`;
  };
}

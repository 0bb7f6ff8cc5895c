import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { sep } from 'node:path';
import type { Finding } from '../../src/engine/types.js';

/**
 * Reviewed outputs: each `fail-*` fixture has `<fixture>.expected` beside it,
 * one line per finding of its rule, as a reviewer reads it:
 *
 *   severity  file:line:column  Kind namespace/name  message
 *
 * Paths are relative to the fixture (a node root's files as the node names
 * them). `KCHECK_UPDATE_EXPECTED=1` rewrites the files; the diff is then
 * reviewed like code.
 */
const UPDATE_EXPECTED = process.env['KCHECK_UPDATE_EXPECTED'] === '1';

/** `text` with each base folder (longest first) cut from the paths in it: `base/x` becomes `x`, `base` itself `.`. */
function withoutBases(text: string, bases: string[]): string {
  let out = text;
  for (const base of [...new Set(bases)].sort((a, b) => b.length - a.length)) {
    out = out.split(`${base}${sep}`).join('').split(base).join('.');
  }
  return out.split(sep).join('/');
}

function where(finding: Finding, bases: string[]): string {
  const location = finding.location;
  if (!location) return '-';
  return `${withoutBases(location.file, bases)}:${location.line}:${location.column}`;
}

function what(finding: Finding): string {
  const o = finding.object;
  if (!o) return '-';
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}

/**
 * The reviewed rendering of one fixture's findings of one rule, in the order
 * the engine reports them. `bases` are the fixture's folder as the scan saw
 * it (absolute, relative, or a copy): cut from file names and messages.
 */
export function renderExpected(findings: Finding[], bases: string[]): string {
  return findings.map((f) => `${f.severity}  ${where(f, bases)}  ${what(f)}  ${withoutBases(f.message, bases)}`).join('\n') + '\n';
}

/** Compares with (or, when updating, writes) the `.expected` file; returns what it holds. */
export function expectedFor(path: string, actual: string): string | null {
  const file = `${path.replace(/\/$/, '')}.expected`;
  if (UPDATE_EXPECTED) writeFileSync(file, actual);
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

import { readdir, stat } from 'node:fs/promises';
import { joinDisplay, onDisk } from './display-path.js';
import { isSkippedFolder } from './walk.js';

const GLOB_CHARS = /[*?[]/;

export function isGlobPattern(path: string): boolean {
  return GLOB_CHARS.test(path);
}

/**
 * One path segment of a shell pattern as a regular expression: `*` any run of
 * characters, `?` one character, `[abc]`, `[a-z]`, `[!a]`/`[^a]` a class, and
 * `\x` a literal x.
 */
export function segmentPattern(segment: string): RegExp {
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] as string;
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '\\' && i + 1 < segment.length) source += escapeRegExp(segment[++i] as string);
    else if (c === '[') {
      const cls = characterClass(segment, i);
      if (cls) {
        source += cls.source;
        i = cls.end;
      } else source += '\\[';
    } else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`);
}

function characterClass(segment: string, open: number): { source: string; end: number } | undefined {
  let i = open + 1;
  let negated = false;
  if (segment[i] === '!' || segment[i] === '^') {
    negated = true;
    i++;
  }
  // A `]` right after the opening bracket is a member, not the end.
  const close = segment.indexOf(']', segment[i] === ']' ? i + 1 : i);
  if (close === -1) return undefined;
  const members = segment.slice(i, close).replace(/[\\\]^]/g, (m) => `\\${m}`);
  return { source: `[${negated ? '^' : ''}${members}]`, end: close };
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** As in a shell, `*` and `?` do not match a leading dot unless the pattern starts with one. */
function matches(pattern: RegExp, segment: string, name: string): boolean {
  if (name.startsWith('.') && !segment.startsWith('.')) return false;
  return pattern.test(name);
}

/**
 * The paths a shell pattern matches, sorted, named in the pattern's own
 * style (`./m/*.yaml` gives `./m/a.yaml`). `**` matches any number of
 * folders, skipping hidden ones and node_modules like a folder scan does.
 */
export async function expandGlob(pattern: string, cwd?: string): Promise<string[]> {
  const absolute = pattern.startsWith('/');
  const segments = pattern.split('/').filter((s, i) => s !== '' || i === 0);
  const firstGlob = segments.findIndex((s) => isGlobPattern(s));
  if (firstGlob === -1) return [pattern];
  const base = segments.slice(0, firstGlob).join('/') + (firstGlob > 0 ? '/' : '');
  const found = new Set<string>();
  await expand(absolute && base === '' ? '/' : base, segments.slice(firstGlob), cwd, found);
  return [...found].sort();
}

async function expand(base: string, rest: string[], cwd: string | undefined, found: Set<string>): Promise<void> {
  const [segment, ...remaining] = rest;
  if (segment === undefined) {
    found.add(base.length > 1 && base.endsWith('/') ? base.slice(0, -1) : base);
    return;
  }
  if (segment === '**') {
    await expand(base, remaining, cwd, found);
    for (const name of await subfolders(base, cwd)) {
      if (!isSkippedFolder(name)) await expand(joinDisplay(base, name) + '/', rest, cwd, found);
    }
    return;
  }
  if (!isGlobPattern(segment)) {
    const next = joinDisplay(base, segment);
    if (await exists(next, cwd)) await expand(remaining.length > 0 ? next + '/' : next, remaining, cwd, found);
    return;
  }
  const regex = segmentPattern(segment);
  for (const entry of await entries(base, cwd)) {
    if (!matches(regex, segment, entry.name)) continue;
    const next = joinDisplay(base, entry.name);
    if (remaining.length === 0) found.add(next);
    else if (entry.isDirectory) await expand(next + '/', remaining, cwd, found);
  }
}

interface Entry {
  name: string;
  isDirectory: boolean;
  isLink: boolean;
}

// Unreadable folders match nothing, as in a shell.
async function entries(dir: string, cwd: string | undefined): Promise<Entry[]> {
  try {
    const dirents = await readdir(onDisk(dir === '' ? '.' : dir, cwd), { withFileTypes: true });
    const result: Entry[] = [];
    for (const d of dirents) {
      let isDirectory = d.isDirectory();
      if (d.isSymbolicLink()) isDirectory = await stat(onDisk(joinDisplay(dir, d.name), cwd)).then((s) => s.isDirectory(), () => false);
      result.push({ name: d.name, isDirectory, isLink: d.isSymbolicLink() });
    }
    return result;
  } catch {
    return [];
  }
}

// Like bash's globstar, `**` does not follow links to folders (they could loop).
async function subfolders(dir: string, cwd: string | undefined): Promise<string[]> {
  return (await entries(dir, cwd)).filter((e) => e.isDirectory && !e.isLink).map((e) => e.name);
}

async function exists(path: string, cwd: string | undefined): Promise<boolean> {
  return stat(onDisk(path, cwd)).then(() => true, () => false);
}

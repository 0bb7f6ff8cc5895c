import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { caseFiles, inCopy, materialize, scanArgs, seedCases, type SeedCase } from './corpus.js';
import { checkRun, signature, type IterationResult, type MutatedFile } from './fuzz.js';
import type { Violation } from './harness.js';
import { parseAllDocuments, stringify } from 'yaml';
import { decode, quietly } from './oracle.js';
import { encode, type Encoding } from './mutate.js';

/**
 * Shrinks a failing iteration to the smallest input that breaks the same
 * promise: drops the mutations that do not matter, tries the mutated
 * manifest on its own, then deletes lines and characters while the
 * failure stays (delta debugging, bounded by a number of scans).
 */

const MAX_TRIES = 1500;

/** What makes two violations the same defect while the input shrinks. */
const essence = (v: Violation): string => signature(v);

interface Trial {
  seed: SeedCase;
  /** The mutated files by case path; the others stay as the fixture has them. */
  files: Map<string, Buffer>;
  /** Scan only this file (of the case) with the case's flags: no root, no backups. */
  alone?: string;
  extraFlags: string[];
}

async function fails(trial: Trial, tmp: string, wanted: string, budget: { left: number }): Promise<boolean> {
  if (budget.left <= 0) return false;
  budget.left -= 1;
  const workdir = mkdtempSync(join(tmp, 'min-'));
  try {
    const copy = materialize(trial.seed, workdir);
    const all = caseFiles(trial.seed);
    const mutated: MutatedFile[] = [];
    for (const [path, bytes] of trial.files) {
      const file = all.find((f) => f.path === path)!;
      writeFileSync(inCopy(copy, file), bytes);
      mutated.push({ path, role: file.role, manifest: file.manifest, ops: [], bytes });
    }
    let args: string[];
    let files = mutated;
    if (trial.alone !== undefined) {
      const file = mutated.find((f) => f.path === trial.alone)!;
      const flags = trial.seed.flags.flatMap((f, i, a) => (i % 2 === 0 && !a[i + 1]!.startsWith('@/') ? [f, a[i + 1]!] : []));
      args = [inCopy(copy, all.find((f) => f.path === trial.alone)!), ...flags, '--config', '/dev/null'];
      files = [{ ...file, manifest: true }];
    } else {
      args = scanArgs(trial.seed, copy);
    }
    const allowIncomplete = trial.extraFlags.includes('--allow-incomplete');
    const cli = wanted.startsWith('cli-differs') || wanted.startsWith('stack-trace');
    const violations = await checkRun([...args, ...trial.extraFlags], workdir, copy, files, allowIncomplete, cli);
    return violations.some((v) => essence(v) === wanted);
  } finally {
    rmSync(workdir, { recursive: true, force: true });
  }
}

function encodingOf(bytes: Buffer): { text: string; reencode: (text: string) => Buffer } {
  const { text, encoding } = decode(bytes);
  const bom = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  const as: Encoding | 'utf8' = encoding === 'utf8' ? 'utf8' : encoding === 'utf8-bom' ? 'utf8-bom' : ((bom ? `${encoding}-bom` : encoding) as Encoding);
  // Invalid UTF-8 must stay as it is: shrink the bytes, not a decoding of them.
  if (as === 'utf8' && !Buffer.from(text, 'utf8').equals(bytes)) return { text: bytes.toString('latin1'), reencode: (t) => Buffer.from(t, 'latin1') };
  return { text, reencode: (t) => (as === 'utf8' ? Buffer.from(t, 'utf8') : encode(t, as)) };
}

/** Delta debugging over the pieces of a text (lines, then characters). */
async function ddmin(pieces: string[], join: (p: string[]) => string, test: (text: string) => Promise<boolean>): Promise<string[]> {
  let current = pieces;
  let n = 2;
  while (current.length >= 2) {
    const size = Math.ceil(current.length / n);
    let reduced = false;
    for (let start = 0; start < current.length; start += size) {
      const candidate = [...current.slice(0, start), ...current.slice(start + size)];
      if (await test(join(candidate))) {
        current = candidate;
        n = Math.max(n - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (n >= current.length) break;
      n = Math.min(current.length, n * 2);
    }
  }
  return current;
}

/** The documents of a text written as block YAML, or undefined if it does not parse or is block YAML already. */
function blockYaml(text: string): string | undefined {
  if (text.split('\n').length > 20) return undefined;
  return quietly(() => {
    try {
      const docs = parseAllDocuments(text);
      if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return undefined;
      return docs.map((d) => stringify(d.toJS(), { lineWidth: 0 })).join('---\n');
    } catch {
      return undefined;
    }
  });
}

export interface Minimised {
  /** File name (as in the fixture) to bytes. */
  files: Map<string, Buffer>;
  /** Flags the failure needs beyond `--now`/`--config /dev/null`. */
  flags: string[];
  /** The failure kept while shrinking. */
  keeps: string;
  /** The case context (root, backups) was needed. */
  inCase: boolean;
}

export async function minimise(result: IterationResult, tmp: string): Promise<Minimised> {
  const seed = seedCases().find((c) => c.name === result.caseName)!;
  const wanted = essence(result.violations[0]!);
  const budget = { left: MAX_TRIES };
  const extraFlags = result.args.includes('--allow-incomplete') ? ['--allow-incomplete'] : [];
  const formatAt = result.args.indexOf('--format');
  const format = ['--format', result.args[formatAt + 1]!];
  let trial: Trial = { seed, files: new Map(result.files.map((f) => [f.path, f.bytes])), extraFlags: [...format, ...extraFlags] };
  // The format and --allow-incomplete matter only sometimes.
  for (const drop of [format, extraFlags]) {
    if (drop.length === 0) continue;
    const without: Trial = { ...trial, extraFlags: trial.extraFlags.filter((f) => !drop.includes(f)) };
    if (await fails(without, tmp, wanted, budget)) trial = without;
  }
  // Mutations that do not matter go back to the fixture's bytes.
  for (const path of [...trial.files.keys()]) {
    if (trial.files.size === 1) break;
    const files = new Map(trial.files);
    files.delete(path);
    const without = { ...trial, files };
    if (await fails(without, tmp, wanted, budget)) trial = without;
  }
  // A manifest of a folder case on its own, if it fails that way too.
  if (seed.isDir && trial.files.size === 1) {
    const [path] = [...trial.files.keys()];
    const file = caseFiles(seed).find((f) => f.path === path)!;
    if (file.manifest || file.role === 'manifest') {
      const alone = { ...trial, alone: path! };
      if (await fails(alone, tmp, wanted, budget)) trial = alone;
    }
  }
  for (const path of [...trial.files.keys()]) {
    // One long line (compact JSON, flow YAML) shrinks far better as block YAML, if it still fails so.
    const pretty = blockYaml(encodingOf(trial.files.get(path)!).text);
    if (pretty !== undefined) {
      const files = new Map(trial.files);
      files.set(path, Buffer.from(pretty));
      if (await fails({ ...trial, files }, tmp, wanted, budget)) trial = { ...trial, files };
    }
    const { text, reencode } = encodingOf(trial.files.get(path)!);
    const test = (candidate: string) => {
      const files = new Map(trial.files);
      files.set(path, reencode(candidate));
      return fails({ ...trial, files }, tmp, wanted, budget);
    };
    let lines = await ddmin(text.split('\n'), (p) => p.join('\n'), test);
    let shrunk = lines.join('\n');
    if (shrunk.length < 64 * 1024) shrunk = (await ddmin([...shrunk], (p) => p.join(''), test)).join('');
    lines = shrunk.split('\n');
    trial.files.set(path, reencode(lines.join('\n')));
  }
  const names = new Map<string, Buffer>();
  for (const [path, bytes] of trial.files) names.set(path === '' ? basename(seed.source) : path.replaceAll('/', '__'), bytes);
  const flags = [...(trial.alone !== undefined || !seed.isDir ? seed.flags.filter((f) => !f.startsWith('@/') && f !== '--config') : []), ...trial.extraFlags];
  return { files: names, flags, keeps: `${wanted} (${MAX_TRIES - budget.left} scans)`, inCase: seed.isDir && trial.alone === undefined };
}


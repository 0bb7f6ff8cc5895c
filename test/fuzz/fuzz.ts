import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { formatNames } from '../../src/report/index.js';
import { caseFiles, inCopy, materialize, scanArgs, seedCases, type CaseFile, type SeedCase } from './corpus.js';
import { checkOutput, checkScans, readingOf, scanCli, scanInProcess, type ManifestInput, type Violation } from './harness.js';
import { mutateFile } from './mutate.js';
import { mix, Rng } from './prng.js';

/**
 * One fuzz iteration: pick a fixture, copy it, mutate one to three of its
 * files, scan it in this process (and, for a sample, with the CLI), and
 * check every promise. Iteration `i` of seed `s` is the same run everywhere.
 */

export interface FuzzOptions {
  /** Base folder for the iterations' copies. */
  tmp: string;
  /** Every Nth iteration also runs the CLI as a child process (0: never). */
  cliEvery: number;
  /** Keep the copy of a failing iteration (its path is in the result). */
  keepFailing?: boolean;
}

export interface MutatedFile {
  /** Relative to the case copy ('' for a single-file case). */
  path: string;
  role: CaseFile['role'];
  manifest: boolean;
  ops: string[];
  bytes: Buffer;
  sameAs?: Buffer;
}

export interface IterationResult {
  seed: number;
  iteration: number;
  caseName: string;
  args: string[];
  files: MutatedFile[];
  violations: Violation[];
  cli: boolean;
  /** The copy, kept when asked and the iteration failed. */
  kept?: string;
}

let cases: SeedCase[] | undefined;
const filesOf = new Map<string, CaseFile[]>();
let donors: string[] | undefined;

function allCases(): SeedCase[] {
  cases ??= seedCases();
  return cases;
}

function filesFor(seed: SeedCase): CaseFile[] {
  let files = filesOf.get(seed.name);
  if (!files) {
    files = caseFiles(seed);
    filesOf.set(seed.name, files);
  }
  return files;
}

function donorFiles(): string[] {
  donors ??= allCases().flatMap((c) => filesFor(c).filter((f) => f.role !== 'binary').map((f) => (f.path === '' ? c.source : join(c.source, f.path))));
  return donors;
}

const ROLE_WEIGHT: Record<CaseFile['role'], number> = { manifest: 8, config: 2, pem: 1, text: 0.5, binary: 0.3 };

/** Picks the case and the files to change. */
function plan(rng: Rng): { seed: SeedCase; files: CaseFile[] } {
  const all = allCases();
  const demo = all.find((c) => c.name === 'demo')!;
  const seed = rng.chance(0.12) ? demo : rng.pick(all);
  const candidates = filesFor(seed);
  const count = Math.min(candidates.length, rng.weighted([[7, 1], [2, 2], [1, 3]]));
  const chosen: CaseFile[] = [];
  for (let i = 0; i < count; i += 1) {
    const left = candidates.filter((f) => !chosen.includes(f));
    chosen.push(rng.weighted(left.map((f) => [f.manifest ? ROLE_WEIGHT.manifest * 1.5 : ROLE_WEIGHT[f.role], f] as const)));
  }
  return { seed, files: chosen };
}

/** Runs one iteration: the same (seed, iteration) always mutates the same files the same way. */
export async function runIteration(runSeed: number, iteration: number, options: FuzzOptions): Promise<IterationResult> {
  const rng = new Rng(mix(runSeed, iteration));
  const { seed, files } = plan(rng);
  const workdir = mkdtempSync(join(options.tmp, `i${iteration}-`));
  const copy = materialize(seed, workdir);
  const mutated: MutatedFile[] = [];
  for (const [k, file] of files.entries()) {
    const path = inCopy(copy, file);
    const donor = readFileSync(rng.pick(donorFiles()));
    const m = mutateFile(readFileSync(path), file.role, rng.fork(k), donor);
    writeFileSync(path, m.bytes);
    mutated.push({ path: file.path, role: file.role, manifest: file.manifest, ops: m.ops, bytes: m.bytes, ...(m.sameAs ? { sameAs: m.sameAs } : {}) });
  }
  const format = rng.pick(formatNames);
  const allowIncomplete = rng.chance(0.15);
  const args = [...scanArgs(seed, copy), '--format', format, ...(allowIncomplete ? ['--allow-incomplete'] : [])];
  const result = await checkRun(args, workdir, copy, mutated, allowIncomplete, options.cliEvery > 0 && iteration % options.cliEvery === options.cliEvery - 1);
  const out: IterationResult = { seed: runSeed, iteration, caseName: seed.name, args, files: mutated, violations: result, cli: options.cliEvery > 0 && iteration % options.cliEvery === options.cliEvery - 1 };
  if (options.keepFailing && result.length > 0) out.kept = workdir;
  else rmSync(workdir, { recursive: true, force: true });
  return out;
}

/**
 * Scans the mutated copy and returns every broken promise: in this process,
 * then (when `cli`) as a child process, then, for files that were only
 * re-encoded, against the same text in plain UTF-8.
 */
export async function checkRun(args: string[], workdir: string, copy: string, files: MutatedFile[], allowIncomplete: boolean, cli: boolean): Promise<Violation[]> {
  const manifests: ManifestInput[] = files.filter((f) => f.manifest).map((f) => ({ path: f.path === '' ? copy : join(copy, f.path), bytes: f.bytes }));
  const inProcess = await scanInProcess(args, workdir);
  const violations = [...checkOutput(inProcess, workdir, 'in-process'), ...checkScans(inProcess, workdir, manifests, allowIncomplete)];
  if (cli) {
    const child = scanCli(args, workdir);
    violations.push(...checkOutput(child, workdir, 'cli'));
    if (child.code !== inProcess.code) {
      violations.push({ kind: 'cli-differs', detail: `the CLI exits ${child.code}, the same scan in process ${inProcess.code}; CLI stderr: ${child.stderr.slice(0, 300)}`, key: `${child.code} vs ${inProcess.code}` });
    }
  }
  for (const file of files) {
    if (!file.sameAs || !file.manifest) continue;
    const path = file.path === '' ? copy : join(copy, file.path);
    const encoded = readingOf(inProcess, path);
    writeFileSync(path, file.sameAs);
    const plain = readingOf(await scanInProcess(args, workdir), path);
    writeFileSync(path, file.bytes);
    if (encoded !== plain) {
      violations.push({ kind: 'encoding', detail: `${relative(workdir, path)} re-encoded (${file.ops[file.ops.length - 1]}) reads as "${encoded}", in UTF-8 as "${plain}"`, key: file.ops[file.ops.length - 1]! });
    }
  }
  return violations;
}

/** A line per violation, with what it takes to replay it. */
export function describeFailure(result: IterationResult): string {
  const head = `seed ${result.seed} iteration ${result.iteration} (${result.caseName}; replay: npm run fuzz -- --seed ${result.seed} --iteration ${result.iteration})`;
  const files = result.files.map((f) => `  ${f.path || '(the file)'}: ${f.ops.join(' | ').slice(0, 400)}`);
  const violations = result.violations.map((v) => `  ${v.kind}: ${v.detail.slice(0, 400)}${v.where ? ` [thrown at ${v.where}]` : ''}`);
  return [head, ...files, ...violations].join('\n');
}

/** Groups violations by kind and key, so one defect is one line however often it is hit. */
export function signature(v: Violation): string {
  return `${v.kind}: ${v.key}`;
}

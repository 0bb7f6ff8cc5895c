import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caseFiles, inCopy, materialize, scanArgs, seedCases } from './corpus.js';
import { checkRun, describeFailure, runIteration, signature, type IterationResult, type MutatedFile } from './fuzz.js';
import { minimise } from './minimise.js';

/**
 * `npm run fuzz -- [--minutes N] [--seed S] [--iterations N] [--cli-every K]`
 * runs the fuzzer until the time or the iterations are used up and prints
 * each kind of broken promise once, with the iteration that replays it.
 * `--iteration I` replays one iteration of the seed, keeps its copy and
 * prints everything about it; with `--minimise DIR` it also shrinks the
 * mutated file to the smallest one that breaks the same promise and writes
 * it to DIR. `--baseline` scans every fixture unchanged.
 */

interface Args {
  minutes: number;
  seed: number;
  iterations: number;
  cliEvery: number;
  iteration?: number;
  minimise?: string;
  baseline: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { minutes: 1, seed: Date.now() >>> 0, iterations: Number.POSITIVE_INFINITY, cliEvery: 50, baseline: false };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    const number = () => {
      const n = Number(value);
      if (value === undefined || !Number.isFinite(n) || n < 0) throw new Error(`${flag} wants a number, got ${value}`);
      i += 1;
      return n;
    };
    if (flag === '--minutes') args.minutes = number();
    else if (flag === '--seed') args.seed = number() >>> 0;
    else if (flag === '--iterations') args.iterations = number();
    else if (flag === '--cli-every') args.cliEvery = number();
    else if (flag === '--iteration') args.iteration = number();
    else if (flag === '--minimise') {
      args.minimise = value;
      i += 1;
    } else if (flag === '--baseline') args.baseline = true;
    else throw new Error(`unknown flag ${flag} (see test/fuzz/run.ts)`);
  }
  return args;
}

async function baseline(tmp: string): Promise<number> {
  let failed = 0;
  for (const seed of seedCases()) {
    const workdir = mkdtempSync(join(tmp, 'base-'));
    const copy = materialize(seed, workdir);
    const files: MutatedFile[] = caseFiles(seed)
      .filter((f) => f.manifest)
      .map((f) => ({ path: f.path, role: f.role, manifest: true, ops: [], bytes: readFileSync(inCopy(copy, f)) }));
    const args = [...scanArgs(seed, copy), '--format', 'text'];
    const violations = await checkRun(args, workdir, copy, files, false, false);
    if (violations.length > 0) {
      failed += 1;
      console.log(`${seed.name}:\n${violations.map((v) => `  ${v.kind}: ${v.detail}`).join('\n')}`);
    }
    rmSync(workdir, { recursive: true, force: true });
  }
  console.log(`baseline: ${failed} of ${seedCases().length} fixtures break a promise unchanged`);
  return failed === 0 ? 0 : 1;
}

async function replay(args: Args, tmp: string): Promise<number> {
  const result = await runIteration(args.seed, args.iteration!, { tmp, cliEvery: 1, keepFailing: true });
  console.log(describeFailure(result));
  console.log(`args: ${result.args.join(' ')}`);
  if (result.kept) console.log(`copy kept in ${result.kept}`);
  if (args.minimise && result.violations.length > 0) {
    mkdirSync(args.minimise, { recursive: true });
    const shrunk = await minimise(result, tmp);
    for (const [name, bytes] of shrunk.files) {
      writeFileSync(join(args.minimise, name), bytes);
      console.log(`minimised: ${join(args.minimise, name)} (${bytes.length} bytes) keeps: ${shrunk.keeps}`);
    }
    console.log(`flags: ${shrunk.flags.join(' ')}`);
  }
  return result.violations.length > 0 ? 1 : 0;
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const tmp = mkdtempSync(join(tmpdir(), 'kcheck-fuzz-'));
  try {
    if (args.baseline) return await baseline(tmp);
    if (args.iteration !== undefined) return await replay(args, tmp);
    const deadline = Date.now() + args.minutes * 60_000;
    const seen = new Map<string, IterationResult>();
    const counts = new Map<string, number>();
    let runs = 0;
    let failing = 0;
    console.log(`fuzz: seed ${args.seed}, ${Number.isFinite(args.iterations) ? `${args.iterations} iterations` : `${args.minutes} minutes`}`);
    for (let i = 0; i < args.iterations && Date.now() < deadline; i += 1) {
      const result = await runIteration(args.seed, i, { tmp, cliEvery: args.cliEvery });
      runs += 1;
      if (result.violations.length > 0) failing += 1;
      for (const v of result.violations) {
        const key = signature(v);
        counts.set(key, (counts.get(key) ?? 0) + 1);
        if (!seen.has(key)) {
          seen.set(key, result);
          console.log(`\nNEW ${describeFailure({ ...result, violations: [v] })}`);
        }
      }
      if (runs % 200 === 0) console.log(`... ${runs} runs, ${failing} failing, ${seen.size} distinct`);
    }
    console.log(`\nfuzz: ${runs} runs with seed ${args.seed}, ${failing} broke a promise, ${seen.size} distinct ways:`);
    for (const [key, n] of [...counts.entries()].sort((a, b) => b[1] - a[1])) {
      const r = seen.get(key)!;
      console.log(`  ${String(n).padStart(5)}x  ${key}   (--seed ${r.seed} --iteration ${r.iteration})`);
    }
    return failing === 0 ? 0 : 1;
  } finally {
    // A replayed iteration's copy stays for a look.
    if (args.iteration === undefined) rmSync(tmp, { recursive: true, force: true });
  }
}

process.exitCode = await main(process.argv.slice(2));

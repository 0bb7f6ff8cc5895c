/**
 * kcheck on large clusters: how scan, drain and plan grow with the number of
 * nodes, against the cost of merely parsing the same dump.
 *
 *   npm run build && node build/test/bench/cluster-scale.js [--sizes 1000,5000] [--runs 3] [--formats json,yaml] [--minors 3] [--limit-seconds 1200]
 *
 * For each size (worker nodes; ~30 pods each, see generate/cluster.ts) and
 * format, a dump is generated into a temporary folder (removed at the end),
 * then four commands are timed, each run in a child process of its own so its
 * wall time and peak RSS are its own:
 * - floor: the least any reader of the file must do, `JSON.parse(readFileSync(file))`
 *   for JSON and js-yaml's `load` for YAML;
 * - scan:  `kcheck scan FILE --format json` (exit 1 is normal: findings);
 * - drain: `kcheck drain worker-00002 FILE --format json` (exit 0 or 1: completes or not);
 * - plan:  `kcheck plan FILE --target 1.<control plane + --minors> --format json` (exit 0 or 1).
 * Reports go to /dev/null; any other exit code is an error. A child still
 * running after --limit-seconds is killed and reported as "> N s".
 *
 * Figures: seconds are the median of --runs wall times (spawn to exit, so
 * node's start-up is in every figure, floor included); RSS is the largest
 * peak resident set over the runs, in MB (MiB, as the other benches). Then
 * growth factors t(largest size)/t(smallest size), and the issue's targets,
 * one PASS/FAIL line each (the lines run.ts reads); the exit code is 1 when
 * any target fails or any measurement errs or is killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCluster, writeCluster } from './generate/cluster.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** build/test/bench → the repository. */
const KCHECK = join(HERE, '..', '..', '..', 'bin', 'kcheck.js');
const JS_YAML = createRequire(import.meta.url).resolve('js-yaml');
const SEED = 1;
const DRAINED_NODE = 'worker-00002';
/** A fixed capture time (the generated objects are created 2026-11-20) so findings do not depend on the clock. */
const NOW = '2026-11-21T00:00:00Z';
const MB = 1024 * 1024;
/** The issue's targets. */
const TARGET = {
  jsonScanOverFloor: 10,
  yamlScanOverFloor: 3,
  /** t(5000)/t(1000); for other sizes the same growth exponent, log(6)/log(5) ≈ 1.11. */
  growth: 6,
  growthNodes: 5,
  planOverScan: 3,
  planRssMb: 1.5 * 1024,
};

/**
 * Preloaded (`node --import`) into every measured child: on exit, it writes the
 * process's peak RSS (resourceUsage().maxRSS, KiB) to the file named by
 * KCHECK_BENCH_RSS. The child runs the very command measured (bin/kcheck.js
 * itself), so nothing but this hook is added to it, and it works wherever node
 * does (GNU time's -f is not everywhere).
 */
const RSS_HOOK =
  'data:text/javascript,' +
  encodeURIComponent(
    'import { writeFileSync } from "node:fs";' +
      'process.on("exit", () => writeFileSync(process.env.KCHECK_BENCH_RSS, String(process.resourceUsage().maxRSS)));',
  );

/** The floors, as `node -e` scripts (CommonJS) taking the file as argv[1]; the parsed value is kept until exit. */
const FLOOR: Record<Format, string> = {
  json: 'globalThis.parsed = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));',
  yaml: `globalThis.parsed = require(${JSON.stringify(JS_YAML)}).load(require("node:fs").readFileSync(process.argv[1], "utf8"));`,
};

type Format = 'json' | 'yaml';
type Kind = 'floor' | 'scan' | 'drain' | 'plan';
const KINDS: Kind[] = ['floor', 'scan', 'drain', 'plan'];

/** One command's figure over the runs: the median seconds and largest peak RSS, or why there is none. */
type Figure =
  | { status: 'ok'; seconds: number; rssMb: number }
  | { status: 'killed'; limitSeconds: number }
  | { status: 'error'; message: string };

interface Result {
  nodes: number;
  format: Format;
  fileMb: number;
  figures: Record<Kind, Figure>;
}

/** Children running now, killed if this bench is stopped. */
const running = new Set<ChildProcess>();
let workDir: string | undefined;

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : (process.argv[at + 1] ?? fallback);
}

function positive(name: string, fallback: number): number {
  const value = Number(arg(name, String(fallback)));
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} takes a whole number of at least 1`);
  return value;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Runs `node [--import RSS_HOOK] ARGS` in DIR, stdout to /dev/null, and gives
 * back its wall time, peak RSS (when hooked), exit code, or that it was killed
 * at the limit.
 */
function child(args: string[], dir: string, limitSeconds: number, rssFile?: string): Promise<{ seconds: number; code: number | null; killed: boolean; rssKb?: number; stderr: string }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, rssFile ? ['--import', RSS_HOOK, ...args] : args, {
      // The work folder: no .kcheck.yaml of the repository is picked up.
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...(rssFile ? { KCHECK_BENCH_RSS: rssFile } : {}) },
    });
    running.add(proc);
    let stderr = '';
    let killed = false;
    proc.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-4000)));
    const timer = setTimeout(() => {
      killed = true;
      proc.kill('SIGKILL');
    }, limitSeconds * 1000);
    proc.once('error', (err) => {
      clearTimeout(timer);
      running.delete(proc);
      reject(err);
    });
    proc.once('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      clearTimeout(timer);
      running.delete(proc);
      const done = { seconds, code, killed, stderr: stderr.trim() };
      if (!rssFile || killed) return resolve(done);
      readFile(rssFile, 'utf8').then(
        (text) => resolve({ ...done, rssKb: Number(text) }),
        () => resolve(done),
      );
    });
  });
}

/** The command line of one measurement, and the exit codes that are normal for it. */
function command(kind: Kind, format: Format, file: string, target: string): { args: string[]; codes: number[] } {
  switch (kind) {
    case 'floor':
      return { args: ['-e', FLOOR[format], file], codes: [0] };
    case 'scan':
      return { args: [KCHECK, 'scan', file, '--format', 'json', '--now', NOW], codes: [0, 1] };
    case 'drain':
      return { args: [KCHECK, 'drain', DRAINED_NODE, file, '--format', 'json', '--now', NOW], codes: [0, 1] };
    case 'plan':
      return { args: [KCHECK, 'plan', file, '--target', target, '--format', 'json', '--now', NOW], codes: [0, 1] };
  }
}

/** Measures the four commands on one dump, run by run (floor, scan, drain, plan, then again) so load on the machine spreads over all four. */
async function measure(format: Format, file: string, target: string, runs: number, limitSeconds: number, dir: string): Promise<Record<Kind, Figure>> {
  const seconds: Record<Kind, number[]> = { floor: [], scan: [], drain: [], plan: [] };
  const rss: Record<Kind, number[]> = { floor: [], scan: [], drain: [], plan: [] };
  const stopped: Partial<Record<Kind, Figure>> = {};
  for (let run = 0; run < runs; run++) {
    for (const kind of KINDS) {
      // A command killed or failed once is not run again.
      if (stopped[kind]) continue;
      const { args, codes } = command(kind, format, file, target);
      const r = await child(args, dir, limitSeconds, join(dir, `${kind}.rss`));
      if (r.killed) stopped[kind] = { status: 'killed', limitSeconds };
      else if (r.code === null || !codes.includes(r.code) || r.rssKb === undefined || !Number.isFinite(r.rssKb)) {
        stopped[kind] = { status: 'error', message: `exit ${r.code ?? 'by signal'}${r.stderr ? `: ${r.stderr.split('\n').slice(-3).join(' / ')}` : ''}` };
      } else {
        seconds[kind].push(r.seconds);
        rss[kind].push((r.rssKb * 1024) / MB);
      }
    }
  }
  const figure = (kind: Kind): Figure => stopped[kind] ?? { status: 'ok', seconds: median(seconds[kind]), rssMb: Math.max(...rss[kind]) };
  return { floor: figure('floor'), scan: figure('scan'), drain: figure('drain'), plan: figure('plan') };
}

const secondsCell = (f: Figure): string => (f.status === 'ok' ? f.seconds.toFixed(2) : f.status === 'killed' ? `> ${f.limitSeconds} s` : 'error');
const rssCell = (f: Figure): string => (f.status === 'ok' ? `${f.rssMb.toFixed(0)} MB` : '-');
const ratio = (a: Figure, b: Figure): number | undefined => (a.status === 'ok' && b.status === 'ok' ? a.seconds / b.seconds : undefined);
const ratioCell = (r: number | undefined): string => (r === undefined ? '-' : r.toFixed(2));

function table(header: string[], lines: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  return [header, ...lines].map((l) => l.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
}

/** One target's line, as run.ts reads it: `PASS|FAIL|SKIP  what | measured`. */
function verdict(pass: boolean | undefined, what: string, measured: string): boolean {
  console.log(`${pass === undefined ? 'SKIP' : pass ? 'PASS' : 'FAIL'}  ${what} | ${measured}`);
  return pass !== false;
}

/** Why a figure has no number, for a target's line. */
const why = (kind: Kind, f: Figure): string => (f.status === 'killed' ? `${kind} killed after ${f.limitSeconds} s` : f.status === 'error' ? `${kind} failed` : '');

/** Prints the growth factors and the targets; false when a target fails. */
function targets(results: Result[], sizes: number[], formats: Format[]): boolean {
  let ok = true;
  const smallest = Math.min(...sizes);
  const largest = Math.max(...sizes);
  const at = (nodes: number, format: Format) => results.find((r) => r.nodes === nodes && r.format === format)!;

  // Growth: t(largest)/t(smallest). The target is 6 for 1000 → 5000 nodes; for
  // other sizes the same exponent: growth ≤ 6^(log(n2/n1)/log 5).
  const growthBound = TARGET.growth ** (Math.log(largest / smallest) / Math.log(TARGET.growthNodes));
  const growth: { format: Format; kind: Kind; factor: number | undefined; note: string }[] = [];
  if (sizes.length > 1) {
    console.log(`\ngrowth t(${largest})/t(${smallest}) for ${(largest / smallest).toFixed(2)}× the nodes:`);
    for (const format of formats) {
      const parts: string[] = [];
      for (const kind of ['scan', 'drain', 'plan'] as const) {
        const small = at(smallest, format).figures[kind];
        const large = at(largest, format).figures[kind];
        const factor = ratio(large, small);
        growth.push({ format, kind, factor, note: why(kind, large) || why(kind, small) });
        parts.push(`${kind} ${factor === undefined ? '-' : `${factor.toFixed(2)}×`}`);
      }
      console.log(`  ${format}: ${parts.join(', ')}`);
    }
  }

  console.log('\ntargets:');
  for (const r of results) {
    const { floor, scan } = r.figures;
    const label = `${r.format}, ${r.nodes} nodes`;
    const missing = why('floor', floor) || why('scan', scan);
    if (r.format === 'json') {
      const x = ratio(scan, floor);
      ok = verdict(x !== undefined && x <= TARGET.jsonScanOverFloor, `${label}: scan ≤ ${TARGET.jsonScanOverFloor}× JSON.parse`, x === undefined ? missing : `${x.toFixed(2)}× (${secondsCell(scan)} s vs ${secondsCell(floor)} s)`) && ok;
      const fits = scan.status === 'ok' && floor.status === 'ok' ? scan.rssMb <= floor.rssMb : false;
      ok = verdict(fits, `${label}: scan peak RSS ≤ JSON.parse's`, missing || `${rssCell(scan)} vs ${rssCell(floor)}`) && ok;
    } else {
      const x = ratio(scan, floor);
      ok = verdict(x !== undefined && x <= TARGET.yamlScanOverFloor, `${label}: scan ≤ ${TARGET.yamlScanOverFloor}× js-yaml load`, x === undefined ? missing : `${x.toFixed(2)}× (${secondsCell(scan)} s vs ${secondsCell(floor)} s)`) && ok;
    }
  }
  if (sizes.length > 1) {
    for (const g of growth) {
      ok = verdict(g.factor !== undefined && g.factor <= growthBound, `${g.format}, ${g.kind} growth ${smallest} → ${largest} nodes ≤ ${growthBound.toFixed(2)}×`, g.factor === undefined ? g.note : `${g.factor.toFixed(2)}×`) && ok;
    }
  } else {
    verdict(undefined, `growth scan, drain, plan`, `one size (${largest} nodes): no growth to check`);
  }
  for (const format of formats) {
    const { scan, plan } = at(largest, format).figures;
    const label = `${format}, ${largest} nodes`;
    const x = ratio(plan, scan);
    ok = verdict(x !== undefined && x <= TARGET.planOverScan, `${label}: plan ≤ ${TARGET.planOverScan}× scan`, x === undefined ? why('plan', plan) || why('scan', scan) : `${x.toFixed(2)}× (${secondsCell(plan)} s vs ${secondsCell(scan)} s)`) && ok;
    ok = verdict(plan.status === 'ok' && plan.rssMb <= TARGET.planRssMb, `${label}: plan peak RSS ≤ ${TARGET.planRssMb / 1024} GB`, plan.status === 'ok' ? rssCell(plan) : why('plan', plan)) && ok;
  }
  return ok;
}

/**
 * Writes the cluster of NODES workers in each format, from one generation.
 * The objects are no longer referenced once it returns, so they do not stay in
 * this process's memory while kcheck runs beside it.
 */
async function writeDumps(nodes: number, formats: Format[], dir: string): Promise<Record<Format, string>> {
  const items = generateCluster({ nodes, seed: SEED });
  const files = { json: join(dir, `cluster-${nodes}.json`), yaml: join(dir, `cluster-${nodes}.yaml`) };
  for (const format of formats) await writeCluster(files[format], items, format);
  return files;
}

async function main(): Promise<void> {
  const sizes = [...new Set(arg('--sizes', '1000,5000').split(',').map(Number))].sort((a, b) => a - b);
  if (sizes.some((n) => !Number.isInteger(n) || n < 2)) throw new Error('--sizes takes worker node counts of at least 2, e.g. 1000,5000');
  const formats = [...new Set(arg('--formats', 'json,yaml').split(','))] as Format[];
  if (formats.length === 0 || formats.some((f) => f !== 'json' && f !== 'yaml')) throw new Error('--formats takes json, yaml or json,yaml');
  const runs = positive('--runs', 3);
  const minors = positive('--minors', 3);
  const limitSeconds = positive('--limit-seconds', 20 * 60);

  // The control plane's version, as the generator writes it (v1.33.5), from a cluster of one node.
  const controlPlane = generateCluster({ nodes: 1, seed: SEED }).find((o) => (o['metadata'] as { name?: string }).name === 'controlplane-1');
  const version = (controlPlane?.['status'] as { nodeInfo?: { kubeletVersion?: string } } | undefined)?.nodeInfo?.kubeletVersion ?? '';
  const minor = /^v1\.(\d+)\./.exec(version)?.[1];
  if (!minor) throw new Error(`no control-plane version in the generated cluster: ${version}`);
  const target = `1.${Number(minor) + minors}`;
  console.log(`kcheck on generated clusters: ${sizes.join(', ')} worker nodes, ${formats.join(', ')}; ${runs} run(s) each, median; plan ${version} → ${target}; node ${process.version}`);

  const dir = (workDir = await mkdtemp(join(tmpdir(), 'kcheck-cluster-scale-')));
  const results: Result[] = [];
  try {
    for (const nodes of sizes) {
      const files = await writeDumps(nodes, formats, dir);
      for (const format of formats) {
        const file = files[format];
        const fileMb = (await stat(file)).size / MB;
        const figures = await measure(format, file, target, runs, limitSeconds, dir);
        results.push({ nodes, format, fileMb, figures });
        const cells = KINDS.map((k) => `${k} ${secondsCell(figures[k])}${figures[k].status === 'ok' ? ' s' : ''}`);
        console.log(`${nodes} nodes, ${format}, ${fileMb.toFixed(1)} MB: ${cells.join(', ')}`);
        await rm(file, { force: true });
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
    workDir = undefined;
  }

  // The table. floor: JSON.parse or js-yaml load; scan/floor and plan/scan: ratios of the median seconds.
  const header = ['size', 'format', 'file MB', 'floor s', 'floor RSS', 'scan s', 'scan RSS', 'scan/floor', 'drain s', 'plan s', 'plan RSS', 'plan/scan'];
  const lines = results.map(({ nodes, format, fileMb, figures: { floor, scan, drain, plan } }) => [
    String(nodes),
    format,
    fileMb.toFixed(1),
    secondsCell(floor),
    rssCell(floor),
    secondsCell(scan),
    rssCell(scan),
    ratioCell(ratio(scan, floor)),
    secondsCell(drain),
    secondsCell(plan),
    rssCell(plan),
    ratioCell(ratio(plan, scan)),
  ]);
  console.log('');
  for (const line of table(header, lines)) console.log(line);
  for (const r of results) {
    for (const kind of KINDS) {
      const f = r.figures[kind];
      if (f.status === 'error') console.log(`error: ${kind}, ${r.format}, ${r.nodes} nodes: ${f.message}`);
    }
  }

  const met = targets(results, sizes, formats);
  const incomplete = results.some((r) => KINDS.some((k) => r.figures[k].status !== 'ok'));
  if (!met || incomplete) process.exitCode = 1;
}

// Stopped (run.ts's time limit, ^C): kill the children and remove the dumps before going.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const proc of running) proc.kill('SIGKILL');
    if (workDir) rmSync(workDir, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});

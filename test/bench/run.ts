/**
 * Runs every benchmark in this folder, one child process each, prints what
 * each prints, then one table of ratios:
 * - manifests: throughput in MB of file per second, peak RSS over file size,
 *   and RSS growth over file size;
 * - etcd snapshot: kcheck's verification time over `sha256sum`'s on the same file;
 * - config keys: how the config loader's time grows with the number of keys
 *   (growth exponent: 1 linear, 2 quadratic);
 * - cluster scale: one row per target of kcheck scan, drain and plan on
 *   generated clusters of --scale-sizes worker nodes, PASS or FAIL;
 * - manifest tree: kcheck's time over Pluto's on 10,000 manifest files, and
 *   whether both find the same removed and deprecated APIs, PASS or FAIL.
 *
 *   npm run build && npm run bench [-- --json-mb 100 --yaml-mb 50 --size-mb 200 --runs 3 --scale-sizes 1000,5000]
 *
 * The sizes are moderate so the whole run takes a few minutes; each
 * benchmark also runs alone with larger ones. A benchmark that fails, prints
 * no figures this runner knows, or a row that says FAIL makes the run exit 1.
 */
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
/** A benchmark still running after this long is stopped. */
const TIME_LIMIT_MS = 20 * 60 * 1000;

interface Options {
  jsonMb: number;
  yamlMb: number;
  sizeMb: number;
  runs: number;
  /** Worker node counts for cluster-scale, e.g. `1000,5000`. */
  scaleSizes: string;
}

interface Row {
  bench: string;
  what: string;
  figures: string[];
}

interface Bench {
  args: (options: Options) => string[];
  /** The ratio rows of its output; none when it printed no figures. */
  rows: (output: string) => Row[];
  /** How long it may run; TIME_LIMIT_MS when not given. */
  timeLimitMs?: (options: Options) => number;
}

const MANIFEST_ROW = /^(json|yaml)\s+(\S+)\s+(\d+) MB\s+(\d+)\s+([\d.]+) MB\/s\s+(\d+) MB\s+(\d+) MB\s+([\d.]+)\s+(-?[\d.]+)$/gm;

const CONFIG_ROW = /^(.+?)\s+(\d+) keys ([\d.]+) s\s+(\d+) keys ([\d.]+) s\s+growth exponent (-?[\d.]+)/gm;

/** cluster-scale's target lines: `PASS|FAIL|SKIP  what | measured`. */
const TARGET_ROW = /^(PASS|FAIL|SKIP) {2}(.+?) \| (.+)$/gm;

/** cluster-scale's limit on each of its children (floor, scan, drain, plan). */
const SCALE_CHILD_LIMIT_S = 20 * 60;

const BENCHES: Record<string, Bench> = {
  'cluster-scale': {
    args: (o) => ['--sizes', o.scaleSizes, '--runs', String(o.runs), '--limit-seconds', String(SCALE_CHILD_LIMIT_S)],
    rows: (output) =>
      [...output.matchAll(TARGET_ROW)].map(([, verdict, what, measured]) => ({
        bench: 'cluster-scale',
        what: what!,
        figures: [verdict!, measured!],
      })),
    // Every child it starts stops at its own limit, so it is stopped only past their sum:
    // per size and format (json, yaml), 4 commands × runs, and as long again as one for writing the dump.
    timeLimitMs: (o) => o.scaleSizes.split(',').length * 2 * (1 + 4 * o.runs) * SCALE_CHILD_LIMIT_S * 1000,
  },
  'config-keys': {
    args: () => [],
    rows: (output) =>
      [...output.matchAll(CONFIG_ROW)].map(([, shape, small, smallSeconds, large, largeSeconds, exponent]) => ({
        bench: 'config-keys',
        what: `${shape}, ${small} → ${large} keys`,
        figures: [`growth exponent ${exponent}`, `${smallSeconds} s → ${largeSeconds} s`],
      })),
  },
  'manifest-tree': {
    args: (o) => ['--runs', String(o.runs)],
    rows: (output) =>
      [...output.matchAll(TARGET_ROW)].map(([, verdict, what, measured]) => ({ bench: 'manifest-tree', what: what!, figures: [verdict!, measured!] })),
  },
  'manifests-stream': {
    args: (o) => ['--json-mb', String(o.jsonMb), '--yaml-mb', String(o.yamlMb)],
    rows: (output) =>
      [...output.matchAll(MANIFEST_ROW)].map(([, format, mode, fileMb, , mbPerSecond, peakMb, , rssPerFile, growthPerFile]) => ({
        bench: 'manifests-stream',
        what: `${format} ${mode}, ${fileMb} MB`,
        figures: [`${mbPerSecond} MB/s`, `RSS/file ${rssPerFile}`, `growth/file ${growthPerFile}`, `peak RSS ${peakMb} MB`],
      })),
  },
  'snapshot-verify': {
    args: (o) => ['--size-mb', String(o.sizeMb), '--runs', String(o.runs)],
    rows: (output) => {
      const size = /^snapshot: .*, (\d+) MB;/m.exec(output);
      const sha = /^sha256sum:\s+([\d.]+) s \(([\d.]+) GB\/s\)/m.exec(output);
      const ours = /^kcheck verification:\s+([\d.]+) s \(([\d.]+) GB\/s\)/m.exec(output);
      const ratio = /^ratio kcheck\/sha256sum: ([\d.]+)/m.exec(output);
      if (!size || !sha || !ours || !ratio) return [];
      return [
        {
          bench: 'snapshot-verify',
          what: `etcd snapshot, ${size[1]} MB`,
          figures: [`kcheck/sha256sum ${ratio[1]}`, `kcheck ${ours[1]} s (${ours[2]} GB/s)`, `sha256sum ${sha[1]} s (${sha[2]} GB/s)`],
        },
      ];
    },
  },
};

/** A number given as `--name N`, at least `least`; 0 MB leaves a format out of manifests-stream. */
function option(name: string, fallback: number, least: number): number {
  const at = process.argv.indexOf(name);
  const value = at === -1 ? Number.NaN : Number(process.argv[at + 1]);
  return Number.isFinite(value) && value >= least ? value : fallback;
}

/** A list of counts given as `--name N,N`. */
function sizes(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  const value = at === -1 ? '' : (process.argv[at + 1] ?? '');
  return /^[1-9]\d*(,[1-9]\d*)*$/.test(value) ? value : fallback;
}

/** Runs one benchmark, passing its output through as it comes, and gives back what it printed. */
function runBench(file: string, args: string[], timeLimitMs: number): Promise<{ code: number | null; output: string; seconds: number }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: string[] = [];
    const timer = setTimeout(() => child.kill('SIGTERM'), timeLimitMs);
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      chunks.push(text);
      process.stdout.write(text);
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => process.stderr.write(text));
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output: chunks.join(''), seconds: Number(process.hrtime.bigint() - started) / 1e9 });
    });
  });
}

function table(rows: Row[]): string[] {
  const cells = rows.map((row) => [row.bench, row.what, ...row.figures]);
  const widths: number[] = [];
  for (const line of cells) line.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return cells.map((line) => line.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
}

async function main(): Promise<void> {
  const options: Options = {
    jsonMb: option('--json-mb', 100, 0),
    yamlMb: option('--yaml-mb', 50, 0),
    sizeMb: option('--size-mb', 200, 1),
    runs: option('--runs', 3, 1),
    scaleSizes: sizes('--scale-sizes', '1000,5000'),
  };
  const self = basename(fileURLToPath(import.meta.url));
  const files = (await readdir(HERE)).filter((name) => name.endsWith('.js') && name !== self).sort();
  const rows: Row[] = [];
  const failed: string[] = [];
  for (const name of files) {
    const bench = name.slice(0, -'.js'.length);
    const known = BENCHES[bench];
    const args = known?.args(options) ?? [];
    console.log(`== ${bench} ${args.join(' ')}`.trimEnd());
    const result = await runBench(join(HERE, name), args, known?.timeLimitMs?.(options) ?? TIME_LIMIT_MS);
    console.log(`== ${bench}: ${result.code === 0 ? 'done' : `failed (exit ${result.code ?? 'killed'})`} in ${result.seconds.toFixed(0)} s\n`);
    const found = known?.rows(result.output) ?? [];
    if (result.code !== 0) failed.push(`${bench} exited ${result.code ?? 'killed'}`);
    else if (known && found.length === 0) failed.push(`${bench} printed none of the figures the runner reads`);
    rows.push(...found);
    for (const row of found) if (row.figures.includes('FAIL')) failed.push(`${bench}: ${row.what} FAIL`);
  }
  console.log('== ratios');
  for (const line of table(rows)) console.log(line);
  if (failed.length > 0) {
    console.error(`\nfailed: ${failed.join('; ')}`);
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});

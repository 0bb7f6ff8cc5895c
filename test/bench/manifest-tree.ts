/**
 * kcheck against Pluto (github.com/FairwindsOps/pluto) on a tree of manifest
 * files: the time of each, and whether they find the same objects with
 * removed or deprecated API versions.
 *
 *   npm run build && node build/test/bench/manifest-tree.js [--files 10000] [--seed 1] [--runs 3] [--target 1.29]
 *
 * The tree (generate/manifest-tree.ts) is written to a temporary folder,
 * removed at the end. Pluto is built by scripts/build-pluto.sh (cached under
 * ~/.cache/kcheck/pluto); when it cannot be built the comparison is skipped
 * with the reason, and kcheck's time alone is printed.
 *
 * Commands, run in the tree's folder, alternately, --runs times each; each
 * figure is the median wall time (spawn to exit, start-up included):
 * - kcheck: `node bin/kcheck.js scan . --target T --format json --now ...` (exit 0 or 1);
 * - Pluto:  `pluto detect-files -d . -o json --target-versions k8s=vT.0` (exit 0, 2, 3 or 4:
 *   deprecated, removed, replacement not available).
 * Findings: Pluto lists the objects whose version is deprecated or removed at
 * the target; kcheck's are its removed-api and deprecated-api findings. Both
 * are compared as sets of (file, kind, name, apiVersion, removed|deprecated).
 * A difference is explained when KNOWN_DIFFERENCES names its apiVersion and
 * kind (the two version tables disagree there, and kcheck's is the one
 * Kubernetes states); any other difference fails.
 *
 * Prints the PASS/FAIL/SKIP lines run.ts reads; exit 1 when a target fails
 * or a command errs.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeManifestTree } from './generate/manifest-tree.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** build/test/bench → the repository. */
const REPO = join(HERE, '..', '..', '..');
const KCHECK = join(REPO, 'bin', 'kcheck.js');
const BUILD_PLUTO = join(REPO, 'scripts', 'build-pluto.sh');
const NOW = '2026-11-21T00:00:00Z';
const MB = 1024 * 1024;
const LIMIT_MS = 10 * 60 * 1000;

/**
 * Where Pluto's versions.yaml (v5.24.0) and kcheck's rules/data/api-versions.yaml
 * disagree, by `apiVersion kind`. Kubernetes 1.29 deprecated
 * flowcontrol.apiserver.k8s.io/v1beta3 for both of its kinds (the
 * APILifecycleDeprecated markers of k8s.io/api flowcontrol/v1beta3 say 1.29;
 * v1 is served since 1.29); Pluto has FlowSchema deprecated in 1.24 and
 * PriorityLevelConfiguration in 1.31, so at targets 1.29 and 1.30 kcheck
 * alone reports the PriorityLevelConfiguration, and at 1.24–1.28 Pluto alone
 * reports the FlowSchema.
 */
const KNOWN_DIFFERENCES: Record<string, string> = {
  'flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration': 'Pluto: deprecated in 1.31; Kubernetes: 1.29',
  'flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema': 'Pluto: deprecated in 1.24; Kubernetes: 1.29',
};

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : (process.argv[at + 1] ?? fallback);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Run {
  seconds: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string): Promise<Run> {
  const started = process.hrtime.bigint();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-4000)));
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ seconds: Number(process.hrtime.bigint() - started) / 1e9, code, stdout: Buffer.concat(out).toString('utf8'), stderr: stderr.trim() });
    });
  });
}

/** The folder of the pluto binary, or why there is none. */
async function buildPluto(): Promise<{ bin: string } | { reason: string }> {
  try {
    const r = await run('bash', [BUILD_PLUTO], REPO);
    const last = r.stdout.trim().split('\n').pop() ?? '';
    if (r.code === 0 && last) return { bin: join(last, 'pluto') };
    return { reason: r.stderr.split('\n').filter((l) => l.startsWith('build-pluto:')).pop() ?? `build-pluto.sh exited ${r.code}` };
  } catch (err) {
    return { reason: err instanceof Error ? err.message : String(err) };
  }
}

interface KcheckReport {
  findings: { ruleId: string; object: { apiVersion: string; kind: string; name: string | null } | null; location: { file: string } | null }[];
}

interface PlutoReport {
  items?: { name: string; filePath: string; api: { version: string; kind: string }; deprecated: boolean; removed: boolean }[];
}

/** `file|kind|name|apiVersion|removed` or `...|deprecated`, files relative to the tree. */
function kcheckFindings(report: KcheckReport, tree: string): Set<string> {
  const found = new Set<string>();
  for (const f of report.findings) {
    if ((f.ruleId !== 'removed-api' && f.ruleId !== 'deprecated-api') || !f.object || !f.location) continue;
    const file = relative(tree, resolve(tree, f.location.file));
    found.add([file, f.object.kind, f.object.name ?? '', f.object.apiVersion, f.ruleId === 'removed-api' ? 'removed' : 'deprecated'].join('|'));
  }
  return found;
}

function plutoFindings(report: PlutoReport, tree: string): Set<string> {
  const found = new Set<string>();
  for (const item of report.items ?? []) {
    // Pluto names a file as its working folder + "/" + the path it walked.
    const file = relative(tree, resolve(tree, item.filePath));
    found.add([file, item.api.kind, item.name, item.api.version, item.removed ? 'removed' : 'deprecated'].join('|'));
  }
  return found;
}

function line(verdict: 'PASS' | 'FAIL' | 'SKIP', what: string, measured: string): void {
  console.log(`${verdict}  ${what} | ${measured}`);
}

async function main(): Promise<number> {
  const files = Number(arg('--files', '10000'));
  const seed = Number(arg('--seed', '1'));
  const runs = Math.max(1, Number(arg('--runs', '3')));
  const target = arg('--target', '1.29');
  const tree = await mkdtemp(join(tmpdir(), 'kcheck-manifest-tree-'));
  try {
    const stats = await writeManifestTree(tree, { files, seed });
    const mb = stats.bytes / MB;
    console.log(`tree: ${stats.files} files, ${stats.documents} documents, ${mb.toFixed(1)} MB (seed ${seed}); target ${target}`);
    const pluto = await buildPluto();
    if ('reason' in pluto) console.log(`Pluto: not built (${pluto.reason})`);

    const kcheckArgs = [KCHECK, 'scan', '.', '--target', target, '--format', 'json', '--now', NOW];
    const plutoArgs = ['detect-files', '-d', '.', '-o', 'json', '--target-versions', `k8s=v${target}.0`];
    const times = { kcheck: [] as number[], pluto: [] as number[] };
    let kcheckOut = '';
    let plutoOut = '';
    let failed = false;
    for (let i = 0; i < runs && !failed; i++) {
      const k = await run(process.execPath, kcheckArgs, tree);
      if (k.code !== 0 && k.code !== 1) {
        console.log(`kcheck exited ${k.code ?? 'by signal'}: ${k.stderr.split('\n').slice(-3).join(' / ')}`);
        failed = true;
        break;
      }
      times.kcheck.push(k.seconds);
      kcheckOut = k.stdout;
      if ('bin' in pluto) {
        const p = await run(pluto.bin, plutoArgs, tree);
        if (p.code === null || ![0, 2, 3, 4].includes(p.code)) {
          console.log(`pluto exited ${p.code ?? 'by signal'}: ${p.stderr.split('\n').slice(-3).join(' / ')}`);
          failed = true;
          break;
        }
        times.pluto.push(p.seconds);
        plutoOut = p.stdout;
      }
    }
    if (failed) return 1;

    const kcheckSeconds = median(times.kcheck);
    console.log(`kcheck scan:           ${kcheckSeconds.toFixed(2)} s (median of ${runs}; ${(mb / kcheckSeconds).toFixed(1)} MB/s)`);
    if (!('bin' in pluto)) {
      line('SKIP', `${files} manifest files (${mb.toFixed(0)} MB): kcheck ≤ Pluto`, `kcheck ${kcheckSeconds.toFixed(2)} s; Pluto not built: ${pluto.reason}`);
      line('SKIP', 'same removed/deprecated findings as Pluto', 'Pluto not built');
      return 0;
    }
    const plutoSeconds = median(times.pluto);
    const ratio = kcheckSeconds / plutoSeconds;
    console.log(`pluto detect-files:    ${plutoSeconds.toFixed(2)} s (median of ${runs})`);
    console.log(`ratio kcheck/pluto:    ${ratio.toFixed(2)}`);

    const ours = kcheckFindings(JSON.parse(kcheckOut) as KcheckReport, tree);
    const theirs = plutoFindings(JSON.parse(plutoOut) as PlutoReport, tree);
    const shared = [...ours].filter((key) => theirs.has(key)).length;
    const onlyOurs = [...ours].filter((key) => !theirs.has(key));
    const onlyTheirs = [...theirs].filter((key) => !ours.has(key));
    const explained = new Map<string, number>();
    const unexplained: string[] = [];
    for (const [who, keys] of [['kcheck only', onlyOurs], ['Pluto only', onlyTheirs]] as const) {
      for (const key of keys) {
        const [, kind, , apiVersion] = key.split('|');
        const known = KNOWN_DIFFERENCES[`${apiVersion} ${kind}`];
        if (known) explained.set(`${who}: ${apiVersion} ${kind} (${known})`, (explained.get(`${who}: ${apiVersion} ${kind} (${known})`) ?? 0) + 1);
        else unexplained.push(`${who}: ${key}`);
      }
    }
    console.log(`findings: kcheck ${ours.size}, Pluto ${theirs.size}, shared ${shared}`);
    for (const [what, n] of explained) console.log(`  explained, ${n}× ${what}`);
    for (const what of unexplained.slice(0, 20)) console.log(`  UNEXPLAINED ${what}`);

    const explainedCount = [...explained.values()].reduce((a, b) => a + b, 0);
    const fast = ratio <= 1;
    const same = unexplained.length === 0 && shared > 0;
    line(fast ? 'PASS' : 'FAIL', `${files} manifest files (${mb.toFixed(0)} MB): kcheck ≤ Pluto`, `kcheck ${kcheckSeconds.toFixed(2)} s, Pluto ${plutoSeconds.toFixed(2)} s, ratio ${ratio.toFixed(2)}`);
    line(same ? 'PASS' : 'FAIL', 'same removed/deprecated findings as Pluto', `${shared} shared, ${explainedCount} explained differences, ${unexplained.length} unexplained`);
    return fast && same ? 0 : 1;
  } finally {
    await rm(tree, { recursive: true, force: true });
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exitCode = 1;
  },
);

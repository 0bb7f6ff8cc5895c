import { cpSync, existsSync, readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { argsLine } from '../helpers/fixture-args.js';
import type { FileRole } from './mutate.js';

/**
 * The seeds the fuzzer mutates: every rule fixture (a manifest file, or a
 * node-root folder with its `kcheck.args`) and the bundled demo (manifests,
 * a control-plane node's files, etcd backups, a config).
 */

const FIXTURE_NOW = '2026-11-20T00:00:00Z';
const DEMO_NOW = '2026-11-20T09:00:00Z';

export interface SeedCase {
  /** e.g. `rules/kubelet-version-skew/fail-two-minors.yaml`, `demo`. */
  name: string;
  /** File or folder under fixtures/. */
  source: string;
  isDir: boolean;
  /** Scan flags other than the inputs, paths inside the case relative to its folder (`@/kcheck.yaml`). */
  flags: string[];
  /** File times to set after copying (relative path, ISO time). */
  mtimes: [string, string][];
  /** Inputs, relative to the case folder: manifest paths, --root, --backups. */
  paths: string[];
  root?: string;
  backups: string[];
}

/** A file of a case that can be mutated, and whether kcheck reads it as manifests. */
export interface CaseFile {
  /** Relative to the case folder ('' for a single-file case). */
  path: string;
  role: FileRole;
  /** kcheck reads it with the manifest reader: every document must be accounted for. */
  manifest: boolean;
}

/** The checkout (from test/fuzz or, compiled, build/test/fuzz): the nearest folder up with kcheck's package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && /"name":\s*"kcheck"/.test(readFileSync(pkg, 'utf8'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('kcheck checkout not found above test/fuzz');
    dir = up;
  }
}

const FIXTURES = join(repoRoot(), 'fixtures');

function splitFlags(args: string[], caseDir: string): { flags: string[]; mtimes: [string, string][] } {
  const flags: string[] = [];
  const mtimes: [string, string][] = [];
  for (let i = 0; i < args.length; i += 1) {
    const flag = args[i]!;
    const value = args[i + 1] ?? '';
    i += 1;
    if (flag === '--mtime') {
      const at = value.lastIndexOf('=');
      mtimes.push([value.slice(0, at), value.slice(at + 1)]);
    } else if (flag === '--config') {
      // Config files inside the fixture move with it.
      const inside = relative(caseDir, value.startsWith('/') ? value : join(FIXTURES, '..', value));
      flags.push(flag, inside.startsWith('..') ? value : `@/${inside}`);
    } else {
      flags.push(flag, value);
    }
  }
  return { flags, mtimes };
}

function dirCase(name: string, dir: string): SeedCase {
  const argsFile = join(dir, 'kcheck.args');
  const args = existsSync(argsFile) ? argsLine(`# kcheck: ${readFileSync(argsFile, 'utf8').trim().replace(/\s+/g, ' ')}`) : [];
  const { flags, mtimes } = splitFlags(args, dir);
  const seed: SeedCase = { name, source: dir, isDir: true, flags, mtimes, paths: [], backups: [] };
  if (existsSync(join(dir, 'cluster'))) seed.paths.push('cluster');
  if (existsSync(join(dir, 'etc')) || existsSync(join(dir, 'var'))) seed.root = '.';
  if (existsSync(join(dir, 'backups'))) seed.backups.push('backups');
  if (!flags.includes('--now')) seed.flags.push('--now', FIXTURE_NOW);
  return seed;
}

/** Every seed case, in a fixed order. */
export function seedCases(): SeedCase[] {
  const cases: SeedCase[] = [];
  const rulesDir = join(FIXTURES, 'rules');
  for (const id of readdirSync(rulesDir).sort()) {
    for (const entry of readdirSync(join(rulesDir, id)).sort()) {
      if (!entry.startsWith('fail-') && !entry.startsWith('pass-')) continue;
      const path = join(rulesDir, id, entry);
      const name = `rules/${id}/${entry}`;
      const isDir = statSync(path).isDirectory();
      if (!isDir && !/\.(?:ya?ml|json)$/.test(entry)) continue;
      if (isDir) {
        cases.push(dirCase(name, path));
        continue;
      }
      const { flags } = splitFlags(argsLine(readFileSync(path, 'utf8')), join(rulesDir, id));
      if (!flags.includes('--now')) flags.push('--now', FIXTURE_NOW);
      cases.push({ name, source: path, isDir: false, flags, mtimes: [], paths: [''], backups: [] });
    }
  }
  const demo = join(FIXTURES, 'demo');
  cases.push({
    name: 'demo',
    source: demo,
    isDir: true,
    flags: ['--config', '@/kcheck.yaml', '--now', DEMO_NOW, '--kubeadm-version', 'v1.32.0'],
    mtimes: [],
    paths: ['cluster'],
    root: 'node-root',
    backups: ['backups', 'offsite-backups'],
  });
  return cases;
}

/**
 * The crash corpus, fixtures/fuzz: each file is a manifest scanned on its own
 * (flags in a first-line `# kcheck:` comment, as in rule fixtures), each
 * folder a node root like a rule fixture folder (cluster/, etc/, backups/,
 * kcheck.args).
 */
export function crashCases(decodeText: (bytes: Buffer) => string): SeedCase[] {
  const dir = join(FIXTURES, 'fuzz');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .filter((entry) => !entry.endsWith('.md'))
    .map((entry) => {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) return dirCase(`fuzz/${entry}`, path);
      const { flags } = splitFlags(argsLine(decodeText(readFileSync(path))), dir);
      if (!flags.includes('--now')) flags.push('--now', FIXTURE_NOW);
      return { name: `fuzz/${entry}`, source: path, isDir: false, flags, mtimes: [], paths: [''], backups: [] };
    });
}

function roleOf(path: string): FileRole {
  const name = basename(path);
  if (/\.(?:crt|key|pem)$/.test(name)) return 'pem';
  if (/\.db$/.test(name) || name === 'db') return 'binary';
  if (/^\.?kcheck\.ya?ml$/.test(name)) return 'config';
  if (/\.(?:ya?ml|json|conf)$/.test(name) || path.split(sep).includes('manifests')) return 'manifest';
  return 'text';
}

function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = prefix ? join(prefix, entry.name) : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(dir, rel));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/** Whether kcheck reads this file of the case with its manifest reader. */
function readAsManifest(seed: SeedCase, path: string): boolean {
  if (!seed.isDir) return true;
  const parts = path.split(sep);
  for (const p of seed.paths) {
    if ((path === p || path.startsWith(`${p}${sep}`)) && /\.(?:ya?ml|json)$/.test(path) && !parts.some((x) => x.startsWith('.') || x === 'node_modules')) return true;
  }
  if (seed.root !== undefined) {
    const inRoot = seed.root === '.' ? path : relative(seed.root, path);
    if (inRoot.startsWith('..')) return false;
    const r = inRoot.split(sep);
    if (r.length === 4 && r[0] === 'etc' && r[1] === 'kubernetes' && r[2] === 'manifests' && !r[3]!.startsWith('.')) return true;
    if (inRoot === join('etc', 'kubernetes', 'kubeadm-config.yaml') || inRoot === join('etc', 'kubernetes', 'kubeadm.yaml')) return true;
  }
  return false;
}

/** The files of a case the fuzzer may change. */
export function caseFiles(seed: SeedCase): CaseFile[] {
  if (!seed.isDir) return [{ path: '', role: 'manifest', manifest: true }];
  return listFiles(seed.source)
    .filter((path) => path !== 'kcheck.args')
    .map((path) => ({ path, role: roleOf(path), manifest: readAsManifest(seed, path) }));
}

/** Copies a case into `dir` (a fresh folder) and returns the path of its copy. */
export function materialize(seed: SeedCase, dir: string): string {
  if (!seed.isDir) {
    const file = join(dir, basename(seed.source));
    cpSync(seed.source, file);
    return file;
  }
  const copy = join(dir, basename(seed.source));
  cpSync(seed.source, copy, { recursive: true });
  for (const [path, time] of seed.mtimes) {
    const t = new Date(time);
    utimesSync(join(copy, path), t, t);
  }
  return copy;
}

/** A case file's path in the copy. */
export function inCopy(copy: string, file: CaseFile): string {
  return file.path === '' ? copy : join(copy, file.path);
}

/** The `kcheck scan` arguments for a case copied to `copy`. */
export function scanArgs(seed: SeedCase, copy: string): string[] {
  const at = (p: string) => (p === '' || p === '.' ? copy : join(copy, p));
  const args = seed.paths.map(at);
  if (seed.root !== undefined) args.push('--root', at(seed.root));
  for (const b of seed.backups) args.push('--backups', at(b));
  for (let i = 0; i < seed.flags.length; i += 2) {
    const value = seed.flags[i + 1]!;
    args.push(seed.flags[i]!, value.startsWith('@/') ? join(copy, value.slice(2)) : value);
  }
  if (!args.includes('--config')) args.push('--config', '/dev/null');
  return args;
}

import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { ScanRequest } from '../../src/cli/pipeline.js';

/** Capture time fixtures are judged at unless they say otherwise. */
export const FIXTURE_NOW = '2026-11-20T00:00:00Z';

/**
 * Fixtures and doc examples carry their scan flags in a first-line comment:
 * `# kcheck: --target 1.33 --kubeadm-version v1.32.0`. A fixture that is a
 * folder is a node root (--root), with its flags in `kcheck.args`.
 */
export function argsLine(text: string): string[] {
  const m = /^#\s*kcheck:(.*)$/m.exec(text.split('\n').slice(0, 3).join('\n'));
  return m ? m[1]!.trim().split(/\s+/).filter(Boolean) : [];
}

export function requestFromArgs(args: string[], paths: string[]): ScanRequest {
  const request: ScanRequest = { paths, now: FIXTURE_NOW, config: '/dev/null' };
  for (let i = 0; i < args.length; i += 1) {
    const flag = args[i]!;
    const value = args[i + 1];
    const key = flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (key === 'backups') {
      request.backups = [...(request.backups ?? []), value!];
    } else {
      (request as unknown as Record<string, unknown>)[key] = value;
    }
    i += 1;
  }
  return request;
}

/** Copies of fixture folders made for this test process, removed when it exits. */
const copies: string[] = [];
process.once('exit', () => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

/**
 * A checkout gives every file and folder the time of the checkout, so a node
 * root fixture whose rules judge file times sets them in `kcheck.args`:
 * `--mtime backups/kubernetes.db=2026-11-18T00:00:00Z` (path relative to the
 * fixture folder). The times are set on a copy of the folder, never on the
 * checkout itself; returns the folder to scan and the other flags.
 */
function applyMtimes(dir: string, args: string[]): { dir: string; args: string[] } {
  if (!args.includes('--mtime')) return { dir, args };
  const copy = join(mkdtempSync(join(tmpdir(), 'kcheck-fixture-')), basename(dir));
  copies.push(join(copy, '..'));
  cpSync(dir, copy, { recursive: true, verbatimSymlinks: true });
  const rest: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] !== '--mtime') {
      rest.push(args[i]!);
      continue;
    }
    const spec = args[(i += 1)] ?? '';
    const at = spec.lastIndexOf('=');
    const time = new Date(spec.slice(at + 1));
    if (at < 1 || Number.isNaN(time.getTime())) throw new Error(`${dir}/kcheck.args: --mtime wants PATH=ISO-TIME, got "${spec}"`);
    utimesSync(join(copy, spec.slice(0, at)), time, time);
  }
  return { dir: copy, args: rest };
}

/** The scan request for one fixture file or node-root folder. */
export function fixtureRequest(path: string): ScanRequest {
  return fixtureScan(path).request;
}

/** The scan request for one fixture, and the folder it scans (a copy of the fixture's when it sets file times). */
export function fixtureScan(path: string): { request: ScanRequest; folder: string | null } {
  if (statSync(path).isDirectory()) {
    const argsFile = join(path, 'kcheck.args');
    const flags = existsSync(argsFile) ? argsLine(`# kcheck: ${readFileSync(argsFile, 'utf8').trim().replace(/\s+/g, ' ')}`) : [];
    const { dir, args } = applyMtimes(path, flags);
    path = dir;
    const manifests = join(path, 'cluster');
    const request = requestFromArgs(args, existsSync(manifests) ? [manifests] : []);
    if (existsSync(join(path, 'etc')) || existsSync(join(path, 'var'))) request.root = path;
    const backups = join(path, 'backups');
    if (existsSync(backups)) request.backups = [...(request.backups ?? []), backups];
    return { request, folder: path };
  }
  return { request: requestFromArgs(argsLine(readFileSync(path, 'utf8')), [path]), folder: null };
}

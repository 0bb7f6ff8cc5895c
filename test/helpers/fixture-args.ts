import { readFileSync, statSync, existsSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
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

/**
 * A checkout gives every file and folder the time of the checkout, so a node
 * root fixture whose rules judge file times sets them in `kcheck.args`:
 * `--mtime backups/kubernetes.db=2026-11-18T00:00:00Z` (path relative to the
 * fixture folder). Applies them and returns the other flags.
 */
export function applyMtimes(dir: string, args: string[]): string[] {
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
    utimesSync(join(dir, spec.slice(0, at)), time, time);
  }
  return rest;
}

/** The scan request for one fixture file or node-root folder. */
export function fixtureRequest(path: string): ScanRequest {
  if (statSync(path).isDirectory()) {
    const argsFile = join(path, 'kcheck.args');
    const args = existsSync(argsFile) ? applyMtimes(path, argsLine(`# kcheck: ${readFileSync(argsFile, 'utf8').trim().replace(/\s+/g, ' ')}`)) : [];
    const manifests = join(path, 'cluster');
    const request = requestFromArgs(args, existsSync(manifests) ? [manifests] : []);
    if (existsSync(join(path, 'etc')) || existsSync(join(path, 'var'))) request.root = path;
    const backups = join(path, 'backups');
    if (existsSync(backups)) request.backups = [...(request.backups ?? []), backups];
    return request;
  }
  return requestFromArgs(argsLine(readFileSync(path, 'utf8')), [path]);
}

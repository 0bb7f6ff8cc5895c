import { readFileSync, statSync, existsSync } from 'node:fs';
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

/** The scan request for one fixture file or node-root folder. */
export function fixtureRequest(path: string): ScanRequest {
  if (statSync(path).isDirectory()) {
    const argsFile = join(path, 'kcheck.args');
    const args = existsSync(argsFile) ? argsLine(`# kcheck: ${readFileSync(argsFile, 'utf8').trim()}`) : [];
    const manifests = join(path, 'cluster');
    const request = requestFromArgs(args, existsSync(manifests) ? [manifests] : []);
    if (existsSync(join(path, 'etc')) || existsSync(join(path, 'var'))) request.root = path;
    const backups = join(path, 'backups');
    if (existsSync(backups)) request.backups = [...(request.backups ?? []), backups];
    return request;
  }
  return requestFromArgs(argsLine(readFileSync(path, 'utf8')), [path]);
}

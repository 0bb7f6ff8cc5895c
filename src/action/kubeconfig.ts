import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UsageError } from '../engine/errors.js';

export interface KubeconfigFile {
  path: string;
  /** Deletes the file when it was written from the input's content. */
  remove(): void;
}

/** A kubeconfig's content rather than a path: it has line breaks, or is JSON. */
function looksLikeContent(value: string): boolean {
  return /\n/.test(value.trim()) || /^\s*\{/.test(value);
}

/**
 * The `kubeconfig` input is a file's path, or the file's content (a secret
 * such as `${{ secrets.KUBECONFIG }}`). Content is written to a file only the
 * runner's user can read, in RUNNER_TEMP (emptied after each job), and
 * removed after the scan.
 */
export function kubeconfigFile(value: string, cwd: string, tempRoot = process.env['RUNNER_TEMP'] || tmpdir()): KubeconfigFile {
  if (!looksLikeContent(value)) {
    const file = path.resolve(cwd, value.trim());
    if (!existsSync(file)) {
      throw new UsageError(`kubeconfig: no file at ${value.trim()}; give a kubeconfig's path or its content (e.g. \${{ secrets.KUBECONFIG }})`);
    }
    return { path: file, remove: () => undefined };
  }
  const dir = mkdtempSync(path.join(tempRoot, 'kcheck-kubeconfig-'));
  const file = path.join(dir, 'config');
  writeFileSync(file, value.endsWith('\n') ? value : `${value}\n`, { mode: 0o600 });
  return { path: file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Run {
  /** null when the run had to be stopped (it would have hung). */
  code: number | null;
  stdout: string;
  stderr: string;
}

const BIN = new URL('../../bin/kcheck.js', import.meta.url).pathname;

/**
 * Starts the built `kcheck` as a user would; `npx tsc -p tsconfig.json` must
 * have run. `whileRunning` gets the child (e.g. to write into a FIFO it
 * reads). A run still going after `stopAfterMs` is killed and gives code
 * null: the tests here are about never hanging, so a hang must fail, not
 * block the suite.
 */
export function kcheck(
  args: string[],
  options: { cwd?: string; input?: string; stopAfterMs?: number; whileRunning?: (child: ChildProcess) => Promise<void> } = {},
): Promise<Run> {
  if (!existsSync(new URL('../../build/src/cli/main.js', import.meta.url))) {
    throw new Error('build/ is missing: run npx tsc -p tsconfig.json before the CLI tests');
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let stopped = false;
    const timer = setTimeout(() => {
      stopped = true;
      child.kill('SIGKILL');
    }, options.stopAfterMs ?? 60_000);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: stopped ? null : code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    // A run that exits without reading its input must not fail the test with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
    options.whileRunning?.(child).catch(reject);
  });
}

/** Makes a FIFO with mkfifo(1). */
export function mkfifo(path: string): void {
  const made = spawnSync('mkfifo', [path], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`mkfifo ${path}: ${made.stderr}`);
}

/** Makes a character device node like /dev/zero (major 1, minor 5), where the system allows it (root with CAP_MKNOD). */
export function mknodZero(path: string): boolean {
  return spawnSync('mknod', [path, 'c', '1', '5']).status === 0 && existsSync(path);
}

/** Whether this system lets the tests make device nodes (root with CAP_MKNOD, as in CI). */
export const canMakeDevices = ((): boolean => {
  const probe = join(tmpdir(), `kcheck-mknod-probe-${process.pid}`);
  const made = mknodZero(probe);
  rmSync(probe, { force: true });
  return made;
})();

export function gapsOf(run: Run): { what: string; reason: string }[] {
  const report = JSON.parse(run.stdout) as { incomplete: { gaps: { what: string; reason: string }[] } | null };
  return report.incomplete?.gaps ?? [];
}

export function noStackTrace(text: string): void {
  if (/\n\s+at |internal error/.test(text)) throw new Error(`a stack trace or internal error:\n${text}`);
}

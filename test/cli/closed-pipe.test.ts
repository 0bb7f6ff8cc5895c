import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/kcheck.js', import.meta.url).pathname;
const DEMO_CLUSTER = new URL('../../fixtures/demo/cluster', import.meta.url).pathname;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Runs the built kcheck with its stdout (or stderr) read by a reader that
 * goes away: after the first chunk, as `| head` does, or before anything was
 * written, which makes the child's first write fail with EPIPE for certain.
 */
function runClosing(args: string[], close: 'stdout-after-first-chunk' | 'stdout-at-once' | 'stderr-at-once'): Promise<Exit> {
  if (!existsSync(new URL('../../build/src/cli/main.js', import.meta.url))) {
    throw new Error('build/ is missing: run npm run build before the CLI tests');
  }
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, KCHECK_DEBUG: undefined },
  });
  let stderr = '';
  if (close === 'stderr-at-once') {
    child.stderr.destroy();
    child.stdout.resume();
  } else {
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    if (close === 'stdout-at-once') child.stdout.destroy();
    else child.stdout.once('data', () => child.stdout.destroy());
  }
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

function quiet(exit: Exit): void {
  expect(exit.stderr).not.toMatch(/EPIPE|Error|\n\s+at .+:\d+:\d+/);
  expect(exit.stderr).toBe('');
  expect(exit.signal).toBeNull();
}

// Several copies of the demo cluster: a text report of megabytes, far more
// than a pipe or socket buffer holds, so the reader is gone while kcheck is
// still writing.
const big = mkdtempSync(join(tmpdir(), 'kcheck-pipe-'));
for (let i = 0; i < 4; i++) cpSync(DEMO_CLUSTER, join(big, `copy-${i}`), { recursive: true });
afterAll(() => rmSync(big, { recursive: true, force: true }));

describe('a reader that closes the pipe', () => {
  it('`kcheck scan … | head`: no message, the exit code the findings give', async () => {
    const exit = await runClosing(['scan', big, '--now=2026-11-20T00:00:00Z'], 'stdout-after-first-chunk');
    quiet(exit);
    // The demo cluster has errors: 1, as when the whole report is read.
    expect(exit.code).toBe(1);
  });

  it('`kcheck demo` into a pipe already closed: no message, exit 0', async () => {
    const exit = await runClosing(['demo', '--format', 'sarif'], 'stdout-at-once');
    quiet(exit);
    expect(exit.code).toBe(0);
  });

  it('a closed stderr: the usual exit code 2 for a usage error, not a crash', async () => {
    const exit = await runClosing(['scan', '--format', 'nonsense', DEMO_CLUSTER], 'stderr-at-once');
    expect(exit.signal).toBeNull();
    expect(exit.code).toBe(2);
  });
});

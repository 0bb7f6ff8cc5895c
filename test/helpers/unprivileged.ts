import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The uid and gid of `nobody` on Debian: a user that owns no file of the test's. */
const NOBODY = 65534;
const REPO = fileURLToPath(new URL('../../', import.meta.url));

const asNobody = (command: string[]) => ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', ...command];

/**
 * A Node binary `nobody` can run: this test's own when it can (the Node 24 run
 * keeps its binary under root's home, which `nobody` cannot enter), else the
 * `node` on the PATH.
 */
function nodeForNobody(): string {
  for (const candidate of [process.execPath, 'node']) {
    if (spawnSync('setpriv', asNobody([candidate, '--version'])).status === 0) return candidate;
  }
  throw new Error('no Node binary that the user nobody may run (setpriv from util-linux is needed)');
}

export interface UnprivilegedRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI (`bin/kcheck.js`) as the unprivileged user `nobody`.
 * File permissions mean nothing to root, and CI runs as root: a test of what
 * an unreadable file does must drop root first (setpriv(1)). The files the CLI
 * is given must sit in folders `nobody` may enter.
 */
export function kcheckAsNobody(args: string[]): UnprivilegedRun {
  const run = spawnSync('setpriv', asNobody([nodeForNobody(), `${REPO}bin/kcheck.js`, ...args]), {
    cwd: '/',
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent', NO_COLOR: '1' },
    timeout: 60_000,
  });
  if (run.error) throw run.error;
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

export const runsAsRoot = process.getuid?.() === 0;

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `kcheck` binary as a user would; `npm run build` must have run. */
export function runCli(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): CliRun {
  const bin = new URL('../../bin/kcheck.js', import.meta.url).pathname;
  if (!existsSync(new URL('../../build/src/cli/main.js', import.meta.url))) {
    throw new Error('build/ is missing: run npm run build before the CLI tests');
  }
  const result = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    input: options.input ?? '',
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...options.env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(path.join(tmpdir(), 'kcheck-package-'));
const app = path.join(dir, 'app');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KUBECTL = '/usr/bin/kubectl';

function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, npm_config_loglevel: 'error', npm_config_fund: 'false', npm_config_audit: 'false', ...options.env },
    timeout: 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return result;
}

/** The installed package's bin folder first on PATH, as `npm install -g` or a kubectl plugin manager leaves it. */
const withBin = (): NodeJS.ProcessEnv => ({ PATH: `${path.join(app, 'node_modules', '.bin')}${path.delimiter}${process.env['PATH'] ?? ''}` });

describe('the npm package', () => {
  let tarball = '';

  beforeAll(() => {
    if (!existsSync(path.join(root, 'build/src/cli/main.js'))) throw new Error('build/ is missing: run npm run build before the packaging tests');
    // --ignore-scripts: the build is the one the suite runs against (npm test builds first).
    const pack = run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: root });
    expect(pack.status, pack.stderr).toBe(0);
    tarball = path.join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz'))!);
    mkdirSync(app);
    writeFileSync(path.join(app, 'package.json'), '{ "private": true }\n');
    // kcheck from the tarball only; its dependencies as any install gets them.
    const install = run('npm', ['install', '--prefer-offline', '--no-save', tarball], { cwd: app });
    expect(install.status, install.stderr).toBe(0);
  }, 600_000);

  it('installs from its tarball into an empty folder and runs npx kcheck demo', () => {
    const demo = run('npx', ['--no-install', 'kcheck', 'demo'], { cwd: app });
    expect(demo.stderr).toBe('');
    expect(demo.status).toBe(0);
    expect(demo.stdout).toMatch(/✖ \d+ problems \(\d+ errors, \d+ warnings, \d+ info\)/);
    // Paths are shown relative to the working folder: the demo ships inside the package.
    expect(demo.stdout).toContain('node_modules/kcheck/fixtures/demo/cluster/nodes.yaml');
  });

  it('carries what kcheck reads at run time: rule docs, data tables, the config schema', () => {
    const installed = path.join(app, 'node_modules', 'kcheck');
    for (const file of ['rules/kubelet-version-skew.md', 'rules/data/releases.yaml', 'build/schema/kcheck.schema.json', 'schema/kcheck.schema.json']) {
      expect(existsSync(path.join(installed, file)), file).toBe(true);
    }
    const sarif = run('npx', ['--no-install', 'kcheck', 'demo', '--format', 'sarif'], { cwd: app });
    const rules = (JSON.parse(sarif.stdout) as { runs: { tool: { driver: { rules: { help: { markdown: string } }[] } } }[] }).runs[0]!.tool.driver.rules;
    expect(rules.every((r) => r.help.markdown.length > 0)).toBe(true);
  });

  it('runs as a kubectl plugin: kubectl kcheck with the package\'s bin on PATH', () => {
    expect(existsSync(KUBECTL), `${KUBECTL} is missing`).toBe(true);
    const plugins = run(KUBECTL, ['plugin', 'list', '--name-only'], { cwd: app, env: withBin() });
    expect(plugins.stdout.split('\n')).toContain('kubectl-kcheck');
    const demo = run(KUBECTL, ['kcheck', 'demo', '--format', 'json'], { cwd: app, env: withBin() });
    expect(demo.status, demo.stderr).toBe(0);
    expect((JSON.parse(demo.stdout) as { tool: { name: string } }).tool.name).toBe('kcheck');
    const help = run(KUBECTL, ['kcheck', '--help'], { cwd: app, env: withBin() });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: kubectl kcheck /);
  });
});

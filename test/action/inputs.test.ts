import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readInputs } from '../../src/action/inputs.js';
import { kubeconfigFile } from '../../src/action/kubeconfig.js';
import { scanRequest } from '../../src/action/main.js';
import { UsageError } from '../../src/engine/errors.js';

const getter = (values: Record<string, string>) => (name: string): string => values[name] ?? '';

describe('action inputs', () => {
  it('reads paths and backups one per line, and leaves unset inputs out', () => {
    const inputs = readInputs(getter({ paths: ' manifests/\n\n  dumps/cluster.yaml \n', backups: '/var/backups/etcd\n', target: '1.33' }));
    expect(inputs).toEqual({ paths: ['manifests/', 'dumps/cluster.yaml'], backups: ['/var/backups/etcd'], target: '1.33', sarifFile: 'kcheck.sarif', drain: [], drainFlags: [] });
  });

  it('applies action.yml\'s defaults when the runner did not', () => {
    expect(readInputs(getter({})).sarifFile).toBe('kcheck.sarif');
    expect(readInputs(getter({ 'sarif-file': 'out/k.sarif', 'fail-on': 'warning', category: 'prod' }))).toMatchObject({
      sarifFile: 'out/k.sarif',
      failOn: 'warning',
      category: 'prod',
    });
  });

  it('asks the same scan of the pipeline as kcheck scan', () => {
    const inputs = readInputs(getter({ paths: 'a.yaml', root: 'node', config: 'k.yaml', 'fail-on': 'never', backups: 'b' }));
    expect(scanRequest(inputs, '/repo')).toEqual({ paths: ['a.yaml'], root: 'node', backups: ['b'], config: 'k.yaml', failOn: 'never', cwd: '/repo' });
  });

  it('reads a live cluster when given a kubeconfig or a context', () => {
    const inputs = readInputs(getter({ kubeconfig: 'apiVersion: v1\nkind: Config\n', context: 'prod-eu' }));
    expect(scanRequest(inputs, '/repo', '/tmp/k/config')).toEqual({
      paths: [],
      live: { kubeconfig: '/tmp/k/config', contexts: ['prod-eu'] },
      cwd: '/repo',
    });
    expect(scanRequest(readInputs(getter({ context: 'staging' })), '/repo').live).toEqual({ contexts: ['staging'] });
    expect(scanRequest(readInputs(getter({ paths: 'a.yaml' })), '/repo').live).toBeUndefined();
  });
});

describe('kubeconfig input', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kcheck-kubeconfig-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const content = 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n';

  it('writes a kubeconfig given as content to a file only its user can read, and removes it', () => {
    const file = kubeconfigFile(content, dir, dir);
    expect(readFileSync(file.path, 'utf8')).toBe(content);
    expect(statSync(file.path).mode & 0o777).toBe(0o600);
    file.remove();
    expect(existsSync(file.path)).toBe(false);
  });

  it('takes a path as it is, relative to the workspace, and never removes it', () => {
    writeFileSync(path.join(dir, 'config'), content);
    const file = kubeconfigFile('config', dir, dir);
    expect(file.path).toBe(path.join(dir, 'config'));
    file.remove();
    expect(existsSync(file.path)).toBe(true);
  });

  it('says what to give when the path does not exist', () => {
    expect(() => kubeconfigFile('missing/config', dir, dir)).toThrow(UsageError);
    expect(() => kubeconfigFile('missing/config', dir, dir)).toThrow(/no file at missing\/config; give a kubeconfig's path or its content/);
  });
});

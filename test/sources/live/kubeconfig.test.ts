import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { KubeconfigError, contextConfig, loadKubeconfig, readLive } from '../../../src/sources/live/index.js';

const root = mkdtempSync(join(tmpdir(), 'kcheck-kubeconfig-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A kubeconfig file whose contexts each point at their own cluster and user. */
function kubeconfig(contexts: string[], current: string | undefined, extra: { server?: string; caFile?: string } = {}): string {
  const dir = join(root, String(n++));
  mkdirSync(dir);
  const path = join(dir, 'config');
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: contexts.map((c) => ({
        name: c,
        cluster: { server: extra.server ?? `https://${c}.example:6443`, ...(extra.caFile ? { 'certificate-authority': extra.caFile } : {}) },
      })),
      users: contexts.map((c) => ({ name: c, user: { token: `token-${c}` } })),
      contexts: contexts.map((c) => ({ name: c, context: { cluster: c, user: c } })),
      ...(current ? { 'current-context': current } : {}),
    }),
  );
  return path;
}

const noHome = (): string => {
  const dir = join(root, `home-${n++}`);
  mkdirSync(dir);
  return dir;
};

describe('finding the kubeconfig as kubectl does', () => {
  test('--kubeconfig names the only file read', () => {
    const file = kubeconfig(['prod'], 'prod');
    const env = { KUBECONFIG: kubeconfig(['other'], 'other'), HOME: noHome() };
    const loaded = loadKubeconfig({ kubeconfig: file, env });
    expect(loaded.contexts.map((c) => c.name)).toEqual(['prod']);
    expect(contextConfig(loaded).server).toBe('https://prod.example:6443');
  });

  test('a --kubeconfig that does not exist is an error naming it', () => {
    expect(() => loadKubeconfig({ kubeconfig: join(root, 'missing'), env: {} })).toThrow(/kubeconfig .*missing \(--kubeconfig\) does not exist/);
  });

  test('KUBECONFIG with several files: the first file to set current-context wins, and the first definition of a name', () => {
    const first = kubeconfig(['staging', 'shared'], 'staging', { server: 'https://first.example' });
    const second = kubeconfig(['prod', 'shared'], 'prod', { server: 'https://second.example' });
    const loaded = loadKubeconfig({ env: { KUBECONFIG: `${first}:${join(root, 'not-there')}:${second}`, HOME: noHome() } });
    expect(loaded.currentContext).toBe('staging');
    expect(loaded.contexts.map((c) => c.name)).toEqual(['staging', 'shared', 'prod']);
    expect(contextConfig(loaded, 'shared').server).toBe('https://first.example');
    expect(contextConfig(loaded, 'prod').server).toBe('https://second.example');
  });

  test('a file without current-context leaves the choice to a later file', () => {
    const first = kubeconfig(['a'], undefined);
    const second = kubeconfig(['b'], 'b');
    expect(loadKubeconfig({ env: { KUBECONFIG: `${first}:${second}` } }).currentContext).toBe('b');
  });

  test('without KUBECONFIG, ~/.kube/config is read', () => {
    const home = noHome();
    mkdirSync(join(home, '.kube'));
    writeFileSync(join(home, '.kube', 'config'), stringify({ clusters: [], users: [], contexts: [{ name: 'home', context: { cluster: 'x', user: 'y' } }], 'current-context': 'home' }));
    expect(loadKubeconfig({ env: { HOME: home } }).currentContext).toBe('home');
  });

  test('inside a pod with no kubeconfig, the service account is used', () => {
    const sa = join(root, `sa-${n++}`);
    mkdirSync(sa);
    writeFileSync(join(sa, 'token'), 'pod-token');
    writeFileSync(join(sa, 'ca.crt'), 'not read here');
    const loaded = loadKubeconfig({ env: { HOME: noHome(), KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' }, serviceAccountDir: sa });
    const context = contextConfig(loaded);
    expect(context.name).toBe('in-cluster');
    expect(context.server).toBe('https://[fd00::1]:443');
  });

  test('no kubeconfig at all is a usage error that suggests what to do, never a fall-back to localhost:8080', async () => {
    const env = { HOME: noHome() };
    expect(() => loadKubeconfig({ env })).toThrow(KubeconfigError);
    expect(() => loadKubeconfig({ env })).toThrow(/no kubeconfig found .*kcheck demo/);
    await expect(readLive({ env, progress: null })).rejects.toThrow(KubeconfigError);
  });

  test('an unknown --context names the contexts there are', () => {
    const loaded = loadKubeconfig({ kubeconfig: kubeconfig(['a', 'b'], 'a'), env: {} });
    expect(() => contextConfig(loaded, 'c')).toThrow(/context "c" is not in kubeconfig .* \(contexts: a, b\)/);
  });

  test('no current-context and no --context asks for --context', () => {
    const loaded = loadKubeconfig({ kubeconfig: kubeconfig(['a'], undefined), env: {} });
    expect(() => contextConfig(loaded)).toThrow(/sets no current-context; choose one with --context \(contexts: a\)/);
  });

  test('a kubeconfig that is not YAML is an error naming the file', () => {
    const file = join(root, `broken-${n++}`);
    writeFileSync(file, 'clusters: [\n');
    expect(() => loadKubeconfig({ kubeconfig: file, env: {} })).toThrow(new RegExp(`cannot read kubeconfig ${file}`));
  });

  test('relative certificate paths are resolved against the kubeconfig file', () => {
    const file = kubeconfig(['a'], 'a', { caFile: 'pki/ca.crt' });
    const context = contextConfig(loadKubeconfig({ kubeconfig: file, env: {} }));
    expect(context.config.getCurrentCluster()?.caFile).toBe(join(file, '..', 'pki', 'ca.crt'));
  });
});

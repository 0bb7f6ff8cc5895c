import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readLive, readLiveClusters } from '../../src/sources/live/index.js';
import { KubeconfigError } from '../../src/sources/live/errors.js';
import { makeCerts } from '../cluster/certs.js';
import { removeTempDirs, runCliAsync, startFakeApiServer, tempDir, writeKubeconfig, type FakeApiServer } from './fake-apiserver.js';

const TOKEN = 'token-from-the-plugin';
const V1 = 'client.authentication.k8s.io/v1';

afterAll(removeTempDirs);

/** A shell script credential plugin in `dir` that notes each run in `dir/calls`. */
function plugin(dir: string, body: string, name = 'plugin.sh'): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\necho run >> "${join(dir, 'calls')}"\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

function credential(status: Record<string, unknown>, apiVersion = V1): string {
  return `cat <<'EOF'\n${JSON.stringify({ apiVersion, kind: 'ExecCredential', status })}\nEOF`;
}

const runs = (dir: string): number => (existsSync(join(dir, 'calls')) ? readFileSync(join(dir, 'calls'), 'utf8').split('\n').filter(Boolean).length : 0);

function execUser(command: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { exec: { apiVersion: V1, command, interactiveMode: 'Never', ...extra } };
}

describe('an exec credential plugin', () => {
  let server: FakeApiServer;
  beforeAll(async () => {
    // The pod list comes in 20 pages: a scan makes 30-odd requests.
    server = await startFakeApiServer({ token: TOKEN, podPages: 20 });
  });
  afterAll(() => server.close());

  test('without an expirationTimestamp runs once for a scan that makes many requests', async () => {
    const dir = tempDir();
    const kubeconfig = writeKubeconfig(dir, server.url, 'exec', execUser(plugin(dir, credential({ token: TOKEN }))));
    const before = server.requests.length;
    const inputs = await readLive({ kubeconfig, progress: null });
    const made = server.requests.slice(before);
    expect(inputs.gaps).toEqual([]);
    expect(inputs.objects.filter((o) => o.object.kind === 'Pod')).toHaveLength(20);
    expect(made.length).toBeGreaterThan(30);
    expect(made.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(runs(dir)).toBe(1);
  });

  test('with an expirationTimestamp still ahead runs once', async () => {
    const dir = tempDir();
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const kubeconfig = writeKubeconfig(dir, server.url, 'exec', execUser(plugin(dir, credential({ token: TOKEN, expirationTimestamp: later }))));
    await readLive({ kubeconfig, progress: null });
    expect(runs(dir)).toBe(1);
  });

  test('with an expirationTimestamp already past runs again when the credential is needed again', async () => {
    const dir = tempDir();
    const kubeconfig = writeKubeconfig(
      dir,
      server.url,
      'exec',
      execUser(plugin(dir, credential({ token: TOKEN, expirationTimestamp: '2020-01-01T00:00:00Z' }))),
    );
    const before = server.requests.length;
    await readLive({ kubeconfig, progress: null });
    const requests = server.requests.length - before;
    expect(runs(dir)).toBeGreaterThan(1);
    expect(runs(dir)).toBeLessThanOrEqual(requests);
  });

  test('runs once per context when several clusters are read', async () => {
    const dir = tempDir();
    const command = plugin(dir, credential({ token: TOKEN }));
    const kubeconfig = join(dir, 'two-contexts');
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'fake', cluster: { server: server.url } }],
        users: [{ name: 'u', user: execUser(command) }],
        contexts: [
          { name: 'a', context: { cluster: 'fake', user: 'u' } },
          { name: 'b', context: { cluster: 'fake', user: 'u' } },
        ],
        'current-context': 'a',
      }),
    );
    const [a, b] = await readLiveClusters(['a', 'b'], { kubeconfig, progress: null });
    expect(a?.gaps).toEqual([]);
    expect(b?.gaps).toEqual([]);
    expect(runs(dir)).toBe(2);
  });

  test('gets KUBERNETES_EXEC_INFO, with the cluster when provideClusterInfo is set', async () => {
    const dir = tempDir();
    const info = join(dir, 'info.json');
    const command = plugin(dir, `printf '%s' "$KUBERNETES_EXEC_INFO" > "${info}"\n${credential({ token: TOKEN })}`);
    const kubeconfig = writeKubeconfig(dir, server.url, 'exec', execUser(command, { provideClusterInfo: true, env: [{ name: 'EXTRA', value: 'x' }] }));
    await readLive({ kubeconfig, progress: null });
    expect(JSON.parse(readFileSync(info, 'utf8'))).toEqual({
      apiVersion: V1,
      kind: 'ExecCredential',
      spec: { interactive: false, cluster: { server: server.url } },
    });
  });

  test('a command with a slash in it is found relative to the kubeconfig, as kubectl finds it', async () => {
    const dir = tempDir();
    plugin(dir, credential({ token: TOKEN }), 'relative-plugin.sh');
    const kubeconfig = writeKubeconfig(dir, server.url, 'exec', execUser('./relative-plugin.sh'));
    const inputs = await readLive({ kubeconfig, progress: null });
    expect(inputs.gaps).toEqual([]);
    expect(runs(dir)).toBe(1);
  });

  test.each([
    ['exits non-zero', 'echo "token service unreachable" >&2\nexit 3', /plugin\.sh of user "u" failed with exit code 3/],
    ['prints no JSON', 'echo hello', /plugin\.sh of user "u" wrote something that is not a JSON ExecCredential/],
    ['answers another apiVersion', credential({ token: TOKEN }, 'client.authentication.k8s.io/v1beta1'), /answered apiVersion "client\.authentication\.k8s\.io\/v1beta1", but the kubeconfig asks for client\.authentication\.k8s\.io\/v1/],
    ['answers no credential', credential({}), /answered neither a token nor a client certificate and key/],
    ['answers a certificate without its key', credential({ clientCertificateData: 'x' }), /answered a client certificate without its key/],
    ['answers a bad expirationTimestamp', credential({ token: TOKEN, expirationTimestamp: 'soon' }), /expirationTimestamp that is not a time/],
    ['writes without end', 'exec yes', /plugin\.sh of user "u" wrote more than 1 MiB to stdout; it was stopped/],
  ])('that %s stops the scan with a message naming it and the context', async (_what, body, message) => {
    const dir = tempDir();
    const kubeconfig = writeKubeconfig(dir, server.url, 'exec', execUser(plugin(dir, body)));
    const read = readLive({ kubeconfig, progress: null });
    await expect(read).rejects.toThrow(message);
    await expect(read).rejects.toThrow(/^cannot read context "exec" \(http:\/\/127\.0\.0\.1:\d+\): the exec credential plugin /);
    expect(runs(dir)).toBe(1);
  });

  test('that does not exist is named, with its install hint', async () => {
    const dir = tempDir();
    const kubeconfig = writeKubeconfig(dir, server.url, 'exec', execUser('kcheck-no-such-plugin', { installHint: 'Install it with: apt install kcheck-no-such-plugin' }));
    await expect(readLive({ kubeconfig, progress: null })).rejects.toThrow(
      /the exec credential plugin kcheck-no-such-plugin of user "u" was not found\. Install it with: apt install kcheck-no-such-plugin/,
    );
  });

  test('a kubeconfig exec entry kubectl would refuse is an error naming the user', () => {
    const dir = tempDir();
    const kubeconfig = writeKubeconfig(dir, server.url, 'exec', { exec: { apiVersion: V1, command: 'x' } });
    const read = readLive({ kubeconfig, progress: null });
    return Promise.all([
      expect(read).rejects.toThrow(KubeconfigError),
      expect(read).rejects.toThrow(/user "u" in kubeconfig .*: exec interactiveMode must be set for client\.authentication\.k8s\.io\/v1/),
    ]);
  });
});

describe('a credential plugin that hangs', () => {
  let server: FakeApiServer;
  beforeAll(async () => {
    server = await startFakeApiServer({ token: TOKEN });
  });
  afterAll(() => server.close());

  test('is killed at --timeout: exit 2 naming the plugin and the context', async () => {
    const dir = tempDir();
    const command = plugin(dir, 'exec sleep 1000', 'hang.sh');
    const kubeconfig = writeKubeconfig(dir, server.url, 'stuck', execUser(command));
    const started = Date.now();
    const run = await runCliAsync(['scan', '--kubeconfig', kubeconfig, '--timeout', '2s']);
    expect(run.stderr).toMatch(
      new RegExp(`^kcheck: cannot read context "stuck" \\(${server.url.replace(/\./g, '\\.')}\\): the exec credential plugin ${command.replace(/\./g, '\\.')} of user "u" did not answer within [\\d.]+s, when the scan's --timeout ran out; it was stopped\\n`),
    );
    expect(run.code).toBe(2);
    // Far below the plugin's 1000 s: it did not wait for the plugin.
    expect(Date.now() - started).toBeLessThan(40_000);
    expect(server.requests).toEqual([]);
  });

  test('is stopped together with the processes it started', async () => {
    const dir = tempDir();
    // No exec: the shell waits for its own child, which holds kcheck's stderr open too.
    const command = plugin(dir, 'sleep 1000\necho done', 'hang-child.sh');
    const kubeconfig = writeKubeconfig(dir, server.url, 'stuck', execUser(command));
    // Resolves only once every process holding kcheck's stdout and stderr has gone.
    const run = await runCliAsync(['scan', '--kubeconfig', kubeconfig, '--timeout', '2s']);
    expect(run.stderr).toContain('hang-child.sh of user "u" did not answer');
    expect(run.code).toBe(2);
    expect(run.signal).toBeNull();
  });
});

describe('a credential plugin that answers a client certificate', () => {
  test('is used for TLS to an HTTPS server that asks for it, and run once', async () => {
    const dir = tempDir();
    const certs = makeCerts(dir);
    // A client certificate from the same CA, as a plugin such as aws-iam-authenticator or a Vault agent hands out.
    const clientKey = join(dir, 'client.key');
    const clientCsr = join(dir, 'client.csr');
    const clientCert = join(dir, 'client.crt');
    const ext = join(dir, 'client.ext');
    writeFileSync(ext, 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
    const openssl = (args: string[]): void => void execFileSync('openssl', args, { stdio: 'ignore' });
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', clientKey, '-out', clientCsr, '-subj', '/CN=kcheck-exec-user/O=readers']);
    openssl(['x509', '-req', '-in', clientCsr, '-CA', certs.caFile, '-CAkey', join(dir, 'ca.key'), '-CAcreateserial', '-out', clientCert, '-days', '1', '-extfile', ext]);
    const server = await startFakeApiServer({
      podPages: 5,
      tls: { cert: readFileSync(certs.certFile), key: readFileSync(certs.keyFile), ca: readFileSync(certs.caFile), clientCN: 'kcheck-exec-user' },
    });
    try {
      const status = { clientCertificateData: readFileSync(clientCert, 'utf8'), clientKeyData: readFileSync(clientKey, 'utf8') };
      const kubeconfig = writeKubeconfig(dir, server.url, 'cert', execUser(plugin(dir, credential(status))), { 'certificate-authority': certs.caFile });
      const inputs = await readLive({ kubeconfig, progress: null });
      expect(inputs.gaps).toEqual([]);
      expect(inputs.objects.filter((o) => o.object.kind === 'Pod')).toHaveLength(5);
      expect(server.requests.length).toBeGreaterThan(15);
      expect(runs(dir)).toBe(1);
    } finally {
      await server.close();
    }
  });
});

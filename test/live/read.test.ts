import { readFileSync } from 'node:fs';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { ClusterReadError, readLive, readLiveClusters } from '../../src/sources/live/index.js';
import { LISTED_RESOURCES, VELERO_RESOURCES } from '../../src/sources/live/resources.js';
import { useTestCluster } from '../cluster/use-cluster.js';
import { CONTEXTS, USERS, adminKubectl } from '../cluster/start.js';
import { FIXTURE } from '../cluster/fixtures.js';
import { count, kubeconfigWith, names, tempDir } from './helpers.js';

const cluster = useTestCluster();

describe('reading a real kube-apiserver', () => {
  test('the token bound to deploy/rbac.yaml reads everything the admin token reads, with no gap', async () => {
    const c = cluster();
    const reader = await readLive({ kubeconfig: c.kubeconfigPath, context: CONTEXTS.reader, progress: null });
    const admin = await readLive({ kubeconfig: c.kubeconfigPath, context: CONTEXTS.admin, progress: null });

    expect(reader.gaps).toEqual([]);
    expect(names(reader.objects)).toEqual(names(admin.objects));
    expect(reader.objects.map((o) => o.object)).toEqual(admin.objects.map((o) => o.object));
    expect(reader.scanned).toEqual([CONTEXTS.reader]);
    expect(reader.versionReports).toEqual([{ provenance: { type: 'live', cluster: CONTEXTS.reader }, serverVersion: c.version }]);
    expect(new Set(reader.objects.map((o) => JSON.stringify(o.provenance)))).toEqual(
      new Set([JSON.stringify({ type: 'live', cluster: CONTEXTS.reader })]),
    );

    const podsByKubectl = (await adminKubectl(c, ['get', 'pods', '-A', '-o', 'name'])).trim().split('\n');
    expect(count(reader, 'Pod')).toBe(podsByKubectl.length);
    expect(count(reader, 'Node')).toBe(1 + FIXTURE.workers.length);
    for (const kind of ['Namespace', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicationController', 'PodDisruptionBudget', 'Service', 'APIService']) {
      expect(count(reader, kind), kind).toBeGreaterThan(0);
    }
    const configMaps = reader.objects.filter((o) => o.object.kind === 'ConfigMap');
    expect(configMaps.map((o) => `${o.object.metadata?.namespace}/${o.object.metadata?.name}`)).toEqual(['kube-system/kubeadm-config']);
    expect(String((configMaps[0]?.object as { data?: Record<string, string> }).data?.ClusterConfiguration)).toContain('kubernetesVersion: v1.35.4');
  });

  test('the deprecated-API metric comes back from /metrics, and nothing else of it', async () => {
    const c = cluster();
    const inputs = await readLive({ kubeconfig: c.kubeconfigPath, context: CONTEXTS.reader, progress: null });
    expect(inputs.metrics).toHaveLength(1);
    const [metrics] = inputs.metrics ?? [];
    expect(metrics?.provenance).toEqual({ type: 'live', cluster: CONTEXTS.reader });
    // The fixtures created a DeviceClass through resource.k8s.io/v1beta1, deprecated in 1.35.
    expect(metrics?.text).toMatch(/^apiserver_requested_deprecated_apis\{[^}]*group="resource\.k8s\.io"[^}]*resource="deviceclasses"[^}]*version="v1beta1"\} 1$/m);
    const lines = metrics?.text.trim().split('\n') ?? [];
    expect(lines.every((l) => /^(# (HELP|TYPE) )?apiserver_requested_deprecated_apis[{ ]/.test(l))).toBe(true);
  });

  test('objects keep what the model reads: node versions, owners, mirror annotations, PDB status, last-applied', async () => {
    const c = cluster();
    const inputs = await readLive({ kubeconfig: c.kubeconfigPath, context: CONTEXTS.reader, progress: null });
    const find = (kind: string, ns: string, name: string) =>
      inputs.objects.find((o) => o.object.kind === kind && (o.object.metadata?.namespace ?? '') === ns && o.object.metadata?.name === name)?.object as
        | Record<string, any>
        | undefined;

    const worker3 = find('Node', '', 'worker-3');
    expect(worker3?.apiVersion).toBe('v1');
    expect(worker3?.status.nodeInfo.kubeletVersion).toBe(FIXTURE.kubeletVersions['worker-3']);
    expect(worker3?.status.images).toBeUndefined();
    expect(find('Node', '', 'cp-1')?.spec.taints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);

    const etcd = find('Pod', 'kube-system', 'etcd-cp-1');
    expect(etcd?.metadata.annotations['kubernetes.io/config.mirror']).toBeTruthy();
    expect(etcd?.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Node', name: 'cp-1', controller: true })]);
    expect(etcd?.spec.containers[0]).toEqual({
      name: 'etcd',
      image: 'registry.k8s.io/etcd:3.6.5-0',
      command: ['etcd', '--data-dir=/var/lib/etcd', '--advertise-client-urls=https://10.0.0.10:2379'],
      resources: { requests: { cpu: '100m' } },
    });
    expect(etcd?.spec.volumes).toContainEqual({ name: 'etcd-data', hostPath: { path: '/var/lib/etcd', type: 'DirectoryOrCreate' } });
    expect(etcd?.metadata.managedFields).toBeUndefined();

    const cache = find('Pod', 'shop', 'cache-5f6d7c8b9a-q8r4t');
    expect(cache?.spec.nodeName).toBe('worker-1');
    expect(cache?.spec.volumes).toEqual([{ name: 'scratch', emptyDir: {} }]);
    expect(cache?.status.phase).toBe('Running');
    expect(cache?.status.conditions).toContainEqual({ type: 'Ready', status: 'True' });
    expect(cache?.metadata.ownerReferences[0]).toMatchObject({ kind: 'ReplicaSet', name: 'cache-5f6d7c8b9a', controller: true });

    expect(find('PodDisruptionBudget', 'shop', 'cache')?.status.disruptionsAllowed).toBe(0);
    expect(find('PodDisruptionBudget', 'shop', 'web')?.status.disruptionsAllowed).toBe(1);
    const legacy = find('Deployment', 'legacy', 'legacy-api');
    expect(legacy?.apiVersion).toBe('apps/v1');
    expect(JSON.parse(legacy?.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).apiVersion).toBe('extensions/v1beta1');
    expect(find('Job', 'batch', 'nightly-29483520')?.metadata.ownerReferences[0]).toMatchObject({ kind: 'CronJob', name: 'nightly' });
  });

  test('a token without list on pods gets a gap naming that permission, and the rest is still read', async () => {
    const c = cluster();
    const inputs = await readLive({ kubeconfig: c.kubeconfigPath, context: CONTEXTS.noPods, progress: null });
    expect(inputs.gaps).toEqual([{ what: `${CONTEXTS.noPods}/pods`, reason: 'forbidden: needs list on pods (core)', affects: ['pods', 'controlPlane'] }]);
    expect(count(inputs, 'Pod')).toBe(0);
    expect(count(inputs, 'Node')).toBe(1 + FIXTURE.workers.length);
    expect(count(inputs, 'ConfigMap')).toBe(1);
  });

  test('the API server sees only get and list from kcheck, and no request for Secrets', async () => {
    const c = cluster();
    await readLive({ kubeconfig: c.kubeconfigPath, context: CONTEXTS.reader, progress: null });
    const events = readFileSync(c.auditLogPath, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { verb: string; requestURI: string; user: { username: string }; objectRef?: { resource?: string } });
    const ours = events.filter((e) => e.user.username === USERS.reader);
    expect(ours.length).toBeGreaterThan(LISTED_RESOURCES.length);
    expect([...new Set(ours.map((e) => e.verb))].sort()).toEqual(['get', 'list']);
    expect(ours.filter((e) => e.objectRef?.resource === 'secrets' || e.requestURI.includes('secrets'))).toEqual([]);
    const listed = new Set(ours.filter((e) => e.verb === 'list').map((e) => e.objectRef?.resource));
    // Other suites' scans (the CLI, as this identity) list Velero's resources too, answered 404 without its CRDs.
    const velero = new Set(VELERO_RESOURCES.map((r) => r.resource));
    expect([...listed].filter((r) => !velero.has(r!)).sort()).toEqual(LISTED_RESOURCES.map((r) => r.resource).sort());
    const got = new Set(ours.filter((e) => e.verb === 'get').map((e) => e.requestURI));
    expect([...got].sort()).toEqual(['/api/v1/namespaces/kube-system/configmaps/kubeadm-config', '/metrics', '/version']);
    expect(ours.filter((e) => e.verb === 'list').every((e) => /[?&]limit=\d+/.test(e.requestURI))).toBe(true);
  });

  test('credentials the API server rejects end the scan with a clear error', async () => {
    const c = cluster();
    const kubeconfig = kubeconfigWith(c, 'stale', 'not-a-valid-token');
    await expect(readLive({ kubeconfig, progress: null })).rejects.toThrow(ClusterReadError);
    await expect(readLive({ kubeconfig, progress: null })).rejects.toThrow(/context "stale".*401 Unauthorized/);
  });

  test('a server certificate the kubeconfig CA does not sign is refused', async () => {
    const c = cluster();
    const kubeconfig = join(tempDir(), 'kubeconfig');
    writeFileSync(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'test', cluster: { server: c.server } }],
        users: [{ name: 'u', user: { token: c.tokens.reader } }],
        contexts: [{ name: 'no-ca', context: { cluster: 'test', user: 'u' } }],
        'current-context': 'no-ca',
      }),
    );
    await expect(readLive({ kubeconfig, progress: null, timeoutMs: 5_000 })).rejects.toThrow(/context "no-ca".*certificate/);
  });

  test('an exec credential plugin in the kubeconfig supplies the token', async () => {
    const c = cluster();
    const dir = tempDir();
    const plugin = join(dir, 'credential-plugin.mjs');
    writeFileSync(
      plugin,
      [
        "import { appendFileSync } from 'node:fs';",
        "appendFileSync(process.env.CALLS, 'called\\n');",
        'const expirationTimestamp = new Date(Date.now() + 3_600_000).toISOString();',
        "process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: process.env.TEST_TOKEN, expirationTimestamp } }));",
        '',
      ].join('\n'),
    );
    chmodSync(plugin, 0o755);
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'test', cluster: { server: c.server, 'certificate-authority': c.caFile } }],
        users: [
          {
            name: 'exec',
            user: {
              exec: {
                apiVersion: 'client.authentication.k8s.io/v1',
                command: process.execPath,
                args: [plugin],
                env: [
                  { name: 'TEST_TOKEN', value: c.tokens.reader },
                  { name: 'CALLS', value: join(dir, 'calls') },
                ],
                interactiveMode: 'Never',
              },
            },
          },
        ],
        contexts: [{ name: 'exec', context: { cluster: 'test', user: 'exec' } }],
        'current-context': 'exec',
      }),
    );
    const inputs = await readLive({ kubeconfig, progress: null });
    expect(inputs.gaps).toEqual([]);
    expect(count(inputs, 'Node')).toBe(1 + FIXTURE.workers.length);
    expect(readFileSync(join(dir, 'calls'), 'utf8')).toMatch(/^called\n/);
  });

  test('several contexts are read at once, one result per context in the order asked', async () => {
    const c = cluster();
    const [reader, noPods] = await readLiveClusters([CONTEXTS.reader, CONTEXTS.noPods], { kubeconfig: c.kubeconfigPath, progress: null });
    expect(reader?.scanned).toEqual([CONTEXTS.reader]);
    expect(reader?.gaps).toEqual([]);
    expect(noPods?.scanned).toEqual([CONTEXTS.noPods]);
    expect(noPods?.gaps.map((g) => g.what)).toEqual([`${CONTEXTS.noPods}/pods`]);
    expect(noPods?.objects.every((o) => o.provenance.type === 'live' && o.provenance.cluster === CONTEXTS.noPods)).toBe(true);
  });

  test('when one of several clusters cannot be read, the error names it', async () => {
    const c = cluster();
    const kubeconfig = join(tempDir(), 'kubeconfig');
    writeFileSync(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          { name: 'test', cluster: { server: c.server, 'certificate-authority': c.caFile } },
          { name: 'wrong', cluster: { server: c.server, 'certificate-authority': c.caFile } },
        ],
        users: [
          { name: 'reader', user: { token: c.tokens.reader } },
          { name: 'stale', user: { token: 'expired' } },
        ],
        contexts: [
          { name: 'good', context: { cluster: 'test', user: 'reader' } },
          { name: 'bad', context: { cluster: 'wrong', user: 'stale' } },
        ],
        'current-context': 'good',
      }),
    );
    await expect(readLiveClusters(['good', 'bad'], { kubeconfig, progress: null })).rejects.toThrow(/^cannot read context "bad".*401 Unauthorized/);
  });
});

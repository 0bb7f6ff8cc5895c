import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { drainFlagsFrom, runDrain } from '../../src/cli/commands/drain.js';
import { scan, type ScanRequest } from '../../src/cli/pipeline.js';
import type { Finding } from '../../src/engine/types.js';
import type { ClusterModel, Subject } from '../../src/model/types.js';
import { drainRunJson } from '../../src/report/drain.js';
import { readLive } from '../../src/sources/live/index.js';
import { LISTED_RESOURCES } from '../../src/sources/live/resources.js';
import { apiCall, type ApiTarget } from '../cluster/api.js';
import { REPO_ROOT } from '../cluster/binaries.js';
import { CONTEXTS, adminKubectl, startTestCluster, type TestCluster } from '../cluster/start.js';
import { runCli } from '../helpers/run-cli.js';
import { count, kubeconfigWith, kubectlName, tempDir } from './helpers.js';

/**
 * What a drain's outcome depends on besides pods and their owners, read live:
 * a PersistentVolume whose node affinity pins the pod that mounts it, and a
 * webhook (failurePolicy: Fail) and an APIService served only from the node
 * drained. This file starts a cluster of its own: the shared one must not
 * change under the other live tests, and a webhook that fails every pod
 * creation it matches has no place there.
 */

type Json = Record<string, unknown>;

const NOW = '2026-11-20T00:00:00Z';
const STARTED = '2026-01-05T08:00:00Z';
const MERGE = 'application/merge-patch+json';
const ZONE = 'topology.kubernetes.io/zone';
/** The kinds a drain reads besides nodes, pods, workloads and PDBs, as the model holds them. */
const DRAIN_INPUT_FIELDS = ['namespaces', 'volumeClaims', 'persistentVolumes', 'webhooks', 'apiServices', 'services'] as const;

let cluster: TestCluster | undefined;
function c(): TestCluster {
  if (!cluster) throw new Error('the test cluster of this file did not start (see beforeAll)');
  return cluster;
}

const READY = [
  { type: 'Initialized', status: 'True', lastTransitionTime: STARTED },
  { type: 'PodScheduled', status: 'True', lastTransitionTime: STARTED },
  { type: 'ContainersReady', status: 'True', lastTransitionTime: STARTED },
  { type: 'Ready', status: 'True', lastTransitionTime: STARTED },
];

/** Writes the scenario, objects and the status their controllers and kubelets would have left. */
async function loadScenario(admin: ApiTarget): Promise<void> {
  const create = (path: string, body: Json): Promise<unknown> => apiCall(admin, 'POST', path, body);
  const setStatus = (path: string, status: Json): Promise<unknown> => apiCall(admin, 'PATCH', `${path}/status`, status, MERGE);
  const at = (namespace: string, resource: string, group = ''): string =>
    group ? `/apis/${group}/namespaces/${namespace}/${resource}` : `/api/v1/namespaces/${namespace}/${resource}`;
  const uid = (created: unknown): string => (created as { metadata: { uid: string } }).metadata.uid;

  // shop is where the webhook applies; webhooks and metrics run what the API server calls.
  for (const [name, labels] of [['shop', { policy: 'enforced' }], ['webhooks', {}], ['metrics', {}]] as const) {
    await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
  }
  for (const [name, zone] of [['node-a', 'a'], ['node-b', 'b']] as const) {
    await create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', [ZONE]: zone } } });
    // The TaintNodesByCondition admission plugin marks new nodes not-ready; the kubelet would lift that.
    await apiCall(admin, 'PATCH', `/api/v1/nodes/${name}`, { spec: { taints: null } }, MERGE);
    const resources = { cpu: '4', memory: '8Gi', pods: '110' };
    await setStatus(`/api/v1/nodes/${name}`, {
      status: {
        capacity: resources,
        allocatable: resources,
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: STARTED, lastTransitionTime: STARTED }],
        nodeInfo: { machineID: name, systemUUID: name, bootID: name, kernelVersion: '6.1.0', osImage: 'Debian GNU/Linux 12 (bookworm)', containerRuntimeVersion: 'containerd://1.7.24', kubeletVersion: 'v1.35.4', kubeProxyVersion: 'v1.35.4', operatingSystem: 'linux', architecture: 'amd64' },
      },
    });
  }

  const pod = async (namespace: string, name: string, labels: Record<string, string>, owner: Json, volumes: Json[] = []): Promise<void> => {
    await create(at(namespace, 'pods'), {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace, labels, ownerReferences: [owner] },
      spec: { nodeName: 'node-a', containers: [{ name: 'main', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '100m' } } }], volumes },
    });
    await setStatus(`${at(namespace, 'pods')}/${name}`, {
      status: {
        phase: 'Running',
        conditions: READY,
        startTime: STARTED,
        containerStatuses: [{ name: 'main', image: 'registry.k8s.io/pause:3.10', imageID: '', ready: true, restartCount: 0, state: { running: { startedAt: STARTED } } }],
      },
    });
  };
  const replicaSet = async (namespace: string, name: string, app: string): Promise<Json> => {
    const created = await create(at(namespace, 'replicasets', 'apps/v1'), {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name, namespace, labels: { app } },
      spec: { replicas: 1, selector: { matchLabels: { app } }, template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'main', image: 'registry.k8s.io/pause:3.10' }] } } },
    });
    await setStatus(`${at(namespace, 'replicasets', 'apps/v1')}/${name}`, { status: { replicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 1 } });
    return { apiVersion: 'apps/v1', kind: 'ReplicaSet', name, uid: uid(created), controller: true, blockOwnerDeletion: true };
  };

  // A local volume in zone a, bound to shop/data, which the StatefulSet pod db-0 mounts.
  await create('/api/v1/persistentvolumes', {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'data-a' },
    spec: {
      capacity: { storage: '10Gi' },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: 'local',
      local: { path: '/mnt/disks/data' },
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE, operator: 'In', values: ['a'] }] }] } },
    },
  });
  await setStatus('/api/v1/persistentvolumes/data-a', { status: { phase: 'Bound' } });
  await create(at('shop', 'persistentvolumeclaims'), {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'shop' },
    spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'local', volumeName: 'data-a', resources: { requests: { storage: '10Gi' } } },
  });
  await setStatus(`${at('shop', 'persistentvolumeclaims')}/data`, { status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '10Gi' } } });
  const db = await create(at('shop', 'statefulsets', 'apps/v1'), {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'shop' },
    spec: {
      replicas: 1,
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'main', image: 'registry.k8s.io/pause:3.10' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] } },
    },
  });
  await setStatus(`${at('shop', 'statefulsets', 'apps/v1')}/db`, { status: { replicas: 1, readyReplicas: 1, availableReplicas: 1, currentReplicas: 1, observedGeneration: 1 } });
  await pod('shop', 'db-0', { app: 'db' }, { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: uid(db), controller: true, blockOwnerDeletion: true }, [
    { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
  ]);
  await create(at('shop', 'poddisruptionbudgets', 'policy/v1'), { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'db', namespace: 'shop' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'db' } } } });
  await setStatus(`${at('shop', 'poddisruptionbudgets', 'policy/v1')}/db`, { status: { observedGeneration: 1, disruptionsAllowed: 1, currentHealthy: 1, desiredHealthy: 0, expectedPods: 1 } });

  // The webhook's only replica and the metrics API's only replica, both on node-a, behind their Services.
  await pod('webhooks', 'policy-7c9d5b6f4-x2k8m', { app: 'policy' }, await replicaSet('webhooks', 'policy-7c9d5b6f4', 'policy'));
  await create(at('webhooks', 'services'), { apiVersion: 'v1', kind: 'Service', metadata: { name: 'policy', namespace: 'webhooks' }, spec: { selector: { app: 'policy' }, ports: [{ port: 443, targetPort: 8443 }] } });
  await pod('metrics', 'metrics-server-5f8b9c7d6-q4w7e', { app: 'metrics-server' }, await replicaSet('metrics', 'metrics-server-5f8b9c7d6', 'metrics-server'));
  await create(at('metrics', 'services'), { apiVersion: 'v1', kind: 'Service', metadata: { name: 'metrics-server', namespace: 'metrics' }, spec: { selector: { app: 'metrics-server' }, ports: [{ port: 443, targetPort: 10250 }] } });
  await create('/apis/apiregistration.k8s.io/v1/apiservices', {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: 'v1beta1.metrics.k8s.io' },
    spec: { group: 'metrics.k8s.io', version: 'v1beta1', groupPriorityMinimum: 100, versionPriority: 100, insecureSkipTLSVerify: true, service: { namespace: 'metrics', name: 'metrics-server', port: 443 } },
  });

  // Last: from here on, creating a pod in shop fails, since nothing answers for the webhook.
  const caBundle = Buffer.from('-----BEGIN CERTIFICATE-----\nnot read by kcheck\n-----END CERTIFICATE-----\n').toString('base64');
  await create('/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations', {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: 'policy' },
    webhooks: [
      {
        name: 'pods.policy.example.com',
        clientConfig: { service: { namespace: 'webhooks', name: 'policy', path: '/validate', port: 443 }, caBundle },
        rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: 'Namespaced' }],
        failurePolicy: 'Fail',
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        timeoutSeconds: 5,
        namespaceSelector: { matchLabels: { policy: 'enforced' } },
        objectSelector: { matchExpressions: [{ key: 'policy.example.com/skip', operator: 'DoesNotExist' }] },
      },
    ],
  });
  await create('/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations', {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: 'inject' },
    webhooks: [
      {
        name: 'configmaps.inject.example.com',
        clientConfig: { url: 'https://inject.example.com/mutate', caBundle },
        rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
        failurePolicy: 'Ignore',
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        namespaceSelector: { matchLabels: { inject: 'enabled' } },
      },
    ],
  });
}

/**
 * A ServiceAccount in kcheck bound to deploy/rbac.yaml's ClusterRole without
 * list on `resources` (and to its kube-system Role), and a kubeconfig with
 * its token (TokenRequest).
 */
async function tokenWithout(admin: ApiTarget, name: string, resources: string[]): Promise<string> {
  const shipped = parseAllDocuments(readFileSync(join(REPO_ROOT, 'deploy', 'rbac.yaml'), 'utf8'));
  const role = shipped.map((d) => d.toJS() as { kind?: string; rules: { resources?: string[] }[] }).find((d) => d.kind === 'ClusterRole');
  if (!role) throw new Error('deploy/rbac.yaml has no ClusterRole');
  const rules = role.rules.map((r) => (r.resources ? { ...r, resources: r.resources.filter((x) => !resources.includes(x)) } : r)).filter((r) => !r.resources || r.resources.length > 0);
  await apiCall(admin, 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules });
  await apiCall(admin, 'POST', '/api/v1/namespaces/kcheck/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'kcheck' } });
  await apiCall(admin, 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: [{ kind: 'ServiceAccount', name, namespace: 'kcheck' }],
  });
  // get on kubeadm-config, as rbac.yaml's Role grants it (this cluster has none: a 404, no gap).
  await apiCall(admin, 'POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/kube-system/rolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name, namespace: 'kube-system' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kcheck-kubeadm-config' },
    subjects: [{ kind: 'ServiceAccount', name, namespace: 'kcheck' }],
  });
  const answer = (await apiCall(admin, 'POST', `/api/v1/namespaces/kcheck/serviceaccounts/${name}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds: 3600 },
  })) as { status: { token: string } };
  return kubeconfigWith(c(), name, answer.status.token);
}

/** `kubectl get <every kind kcheck lists> -A -o json`, as the admin: the dump a live read is compared with. */
async function dumpJson(): Promise<string> {
  const file = join(tempDir('kcheck-drain-inputs-'), 'cluster.json');
  writeFileSync(file, await adminKubectl(c(), ['get', LISTED_RESOURCES.map(kubectlName).join(','), '--all-namespaces', '-o', 'json']));
  return file;
}

/** The drain's inputs as the model holds them, without where each object was read from. */
function drainInputs(model: ClusterModel): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const field of DRAIN_INPUT_FIELDS) {
    out[field] = ((model[field] ?? []) as { subject: Subject }[]).map(({ subject, ...rest }) => ({ ...rest, subject: { ref: subject.ref, annotations: subject.annotations } }));
  }
  return out;
}

function essence(f: Finding): string {
  const o = f.object;
  return [f.ruleId, f.severity, o ? `${o.kind} ${o.namespace ?? ''}/${o.name}` : '-', f.message].join(' | ');
}

beforeAll(async () => {
  cluster = await startTestCluster();
  await loadScenario({ server: cluster.server, caFile: cluster.caFile, token: cluster.tokens.admin });
}, 180_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('a live read gives the drain prediction what a dump gives it', () => {
  test('volumes, claims, Services, webhooks and APIServices come into the model from the API as from kubectl get -o json', async () => {
    const live: ScanRequest = { paths: [], live: { kubeconfig: c().kubeconfigPath, contexts: [CONTEXTS.reader] }, now: NOW, config: '/dev/null' };
    const fromLive = await scan(live);
    const fromDump = await scan({ paths: [await dumpJson()], now: NOW, config: '/dev/null' });

    // The token deploy/rbac.yaml binds lists every one of these kinds.
    expect(fromLive.result.gaps).toEqual([]);
    expect(fromDump.result.gaps).toEqual([]);
    expect(drainInputs(fromLive.model)).toEqual(drainInputs(fromDump.model));

    const m = fromLive.model;
    expect(m.persistentVolumes?.map(({ name, nodeAffinity }) => ({ name, nodeAffinity }))).toEqual([{ name: 'data-a', nodeAffinity: [[{ key: ZONE, operator: 'In', values: ['a'] }]] }]);
    expect(m.volumeClaims?.map(({ namespace, name, volumeName }) => ({ namespace, name, volumeName }))).toEqual([{ namespace: 'shop', name: 'data', volumeName: 'data-a' }]);
    expect(m.services?.map(({ namespace, name, selector }) => ({ namespace, name, selector }))).toEqual(
      expect.arrayContaining([
        { namespace: 'webhooks', name: 'policy', selector: { app: 'policy' } },
        { namespace: 'metrics', name: 'metrics-server', selector: { app: 'metrics-server' } },
      ]),
    );
    expect(m.webhooks?.map(({ subject: _, ...w }) => w)).toEqual([
      {
        configuration: 'policy',
        kind: 'ValidatingWebhookConfiguration',
        name: 'pods.policy.example.com',
        failurePolicy: 'Fail',
        service: { namespace: 'webhooks', name: 'policy' },
        rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], resources: ['pods'] }],
        namespaceSelector: { matchLabels: { policy: 'enforced' } },
        objectSelector: { matchExpressions: [{ key: 'policy.example.com/skip', operator: 'DoesNotExist' }] },
      },
      {
        configuration: 'inject',
        kind: 'MutatingWebhookConfiguration',
        name: 'configmaps.inject.example.com',
        failurePolicy: 'Ignore',
        rules: [{ operations: ['CREATE'], apiGroups: [''], resources: ['configmaps'] }],
        namespaceSelector: { matchLabels: { inject: 'enabled' } },
        // The API server defaults an absent objectSelector to {}: it matches every object.
        objectSelector: {},
      },
    ]);
    expect(m.apiServices?.find((a) => a.name === 'v1beta1.metrics.k8s.io')?.service).toEqual({ namespace: 'metrics', name: 'metrics-server' });
    // The API server's own groups are served locally: no Service behind them.
    expect(m.apiServices?.find((a) => a.name === 'v1.apps')?.service).toBeUndefined();
  });

  test('the objects come cut to what the model reads: no caBundle, no ports, no capacity', async () => {
    const inputs = await readLive({ kubeconfig: c().kubeconfigPath, context: CONTEXTS.reader, progress: null });
    const find = (kind: string, name: string) => inputs.objects.find((o) => o.object.kind === kind && o.object.metadata?.name === name)?.object as Json | undefined;
    expect(find('ValidatingWebhookConfiguration', 'policy')?.webhooks).toEqual([
      {
        name: 'pods.policy.example.com',
        failurePolicy: 'Fail',
        namespaceSelector: { matchLabels: { policy: 'enforced' } },
        objectSelector: { matchExpressions: [{ key: 'policy.example.com/skip', operator: 'DoesNotExist' }] },
        clientConfig: { service: { namespace: 'webhooks', name: 'policy' } },
        rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], resources: ['pods'] }],
      },
    ]);
    expect(find('PersistentVolume', 'data-a')?.spec).toEqual({
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE, operator: 'In', values: ['a'] }] }] } },
      claimRef: { namespace: 'shop', name: 'data' },
    });
    expect(find('PersistentVolumeClaim', 'data')?.spec).toEqual({ volumeName: 'data-a' });
    expect(find('Service', 'policy')?.spec).toEqual({ selector: { app: 'policy' } });
    const apiService = find('APIService', 'v1beta1.metrics.k8s.io');
    expect(apiService?.spec).toEqual({ service: { namespace: 'metrics', name: 'metrics-server' } });
    // The API server's availability controller reports it down: nothing answers behind the Service here.
    expect((apiService?.status as { conditions?: Json[] } | undefined)?.conditions).toEqual([expect.objectContaining({ type: 'Available', status: 'False' })]);
  });

  test('kcheck drain node-a predicts the same live as from the dump: db-0 is pinned by its volume, the webhook and the metrics API go down', async () => {
    const flags = drainFlagsFrom({});
    const live = await runDrain('node-a', { paths: [], live: { kubeconfig: c().kubeconfigPath, contexts: [CONTEXTS.reader] }, now: NOW, config: '/dev/null' }, flags);
    const fromDump = await runDrain('node-a', { paths: [await dumpJson()], now: NOW, config: '/dev/null' }, flags);

    expect(drainRunJson(live.drain)).toEqual(drainRunJson(fromDump.drain));
    expect(live.scan.result.findings.map(essence).sort()).toEqual(fromDump.scan.result.findings.map(essence).sort());
    expect(live.exitCode).toBe(fromDump.exitCode);
    // Nothing assumed: every kind the prediction reads was listed.
    expect(live.drain.assumptions).toEqual([]);

    const fates = Object.fromEntries(live.prediction.fates.map((f) => [`${f.pod.namespace}/${f.pod.name}`, f]));
    expect(fates['shop/db-0']?.action).toBe('evict');
    expect(fates['shop/db-0']?.destination).toMatchObject({ node: null, message: expect.stringContaining("node(s) didn't match PersistentVolume's node affinity") });
    expect(fates['webhooks/policy-7c9d5b6f4-x2k8m']?.destination).toMatchObject({ node: 'node-b' });

    const broken = live.scan.result.findings.filter((f) => f.ruleId === 'drain-breaks-webhook');
    expect(broken.map((f) => `${f.object?.kind} ${f.object?.name}`).sort()).toEqual(['APIService v1beta1.metrics.k8s.io', 'ValidatingWebhookConfiguration policy']);
    expect(broken.find((f) => f.object?.kind === 'ValidatingWebhookConfiguration')?.message).toMatch(
      /^ValidatingWebhookConfiguration policy webhook pods\.policy\.example\.com \(failurePolicy: Fail\) is served by Service webhooks\/policy, whose only ready endpoint is webhooks\/policy-7c9d5b6f4-x2k8m on node node-a/,
    );
    expect(broken.every((f) => f.location === null && f.cluster === CONTEXTS.reader)).toBe(true);
  });
});

describe('a token that may not list what a drain reads', () => {
  test('each of the six kinds it may not list is a gap naming the permission, and the rest is still read', async () => {
    const c0 = c();
    const admin = { server: c0.server, caFile: c0.caFile, token: c0.tokens.admin };
    const denied = ['persistentvolumes', 'persistentvolumeclaims', 'services', 'validatingwebhookconfigurations', 'mutatingwebhookconfigurations', 'apiservices'];
    const kubeconfig = await tokenWithout(admin, 'no-drain-inputs', denied);
    const inputs = await readLive({ kubeconfig, progress: null });
    expect(inputs.gaps).toEqual(
      LISTED_RESOURCES.filter((r) => denied.includes(r.resource))
        .map((r) => ({ what: `no-drain-inputs/${r.resource}`, reason: `forbidden: needs list on ${r.resource} (${r.group || 'core'})`, affects: r.affects }))
        .sort((a, b) => a.what.localeCompare(b.what)),
    );
    for (const kind of ['PersistentVolume', 'PersistentVolumeClaim', 'Service', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService']) expect(count(inputs, kind), kind).toBe(0);
    expect(count(inputs, 'Pod')).toBe(3);
    expect(count(inputs, 'Node')).toBe(2);
  });

  test('without list on webhook configurations, kcheck drain --format json exits 2 and names the gap; kcheck scan too', async () => {
    const c0 = c();
    const admin = { server: c0.server, caFile: c0.caFile, token: c0.tokens.admin };
    const kubeconfig = await tokenWithout(admin, 'no-webhooks', ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations']);
    const reasons = [
      { what: 'no-webhooks/mutatingwebhookconfigurations', reason: 'forbidden: needs list on mutatingwebhookconfigurations (admissionregistration.k8s.io)' },
      { what: 'no-webhooks/validatingwebhookconfigurations', reason: 'forbidden: needs list on validatingwebhookconfigurations (admissionregistration.k8s.io)' },
    ];

    const drain = runCli(['drain', 'node-a', '--format', 'json', '--now', NOW, '--config', '/dev/null'], { env: { KUBECONFIG: kubeconfig } });
    expect(drain.code, drain.stderr).toBe(2);
    const report = JSON.parse(drain.stdout) as { exitCode: number; incomplete: { gaps: { what: string; reason: string }[] } | null; drain: { outcome: string } };
    expect(report.exitCode).toBe(2);
    expect(report.incomplete?.gaps).toEqual(reasons);

    // Allowed to be incomplete, the drain still does not act as if the webhooks it could not read were not there.
    const allowed = runCli(['drain', 'node-a', '--format', 'json', '--now', NOW, '--config', '/dev/null', '--allow-incomplete'], { env: { KUBECONFIG: kubeconfig } });
    const partial = JSON.parse(allowed.stdout) as { skippedRules: { ruleId: string; reason: string }[]; drain: { assumptions: string[] } };
    expect(partial.skippedRules.map((r) => r.ruleId)).toContain('drain-breaks-webhook');
    expect(partial.drain.assumptions.join('\n')).toMatch(/ValidatingWebhookConfiguration|webhook/);

    const scanned = runCli(['scan', '--now', NOW, '--config', '/dev/null'], { env: { KUBECONFIG: kubeconfig } });
    expect(scanned.code).toBe(2);
    expect(scanned.stdout + scanned.stderr).toContain('list on validatingwebhookconfigurations (admissionregistration.k8s.io)');
  });
});

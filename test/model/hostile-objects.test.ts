import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { loadConfig } from '../../src/cli/config-file.js';
import { exitCode, run } from '../../src/engine/run.js';
import { admitObjects, Rejections } from '../../src/model/admit.js';
import { buildModel } from '../../src/model/build.js';
import { hostQuestions } from '../../src/model/host-questions.js';
import { CLUSTER_CONFIGURATION, KUBEADM_CONFIG_MAP, NODE, OTHER, PDB, POD, formatPath, workloadShape, type Shape } from '../../src/model/shapes.js';
import { parseVersion } from '../../src/model/version.js';
import { formatHtml } from '../../src/report/html.js';
import { drainReadiness } from '../../src/views/drain-readiness.js';
import { skewPicture } from '../../src/views/skew-picture.js';
import { readPaths } from '../../src/sources/manifests/index.js';
import type { Inputs, KubeObject, RawObject } from '../../src/sources/types.js';
import { emptyInputs } from '../../src/sources/types.js';

const NOW = new Date('2026-11-20T00:00:00Z');

async function read(text: string): Promise<Inputs> {
  const dir = await mkdtemp(join(tmpdir(), 'kcheck-model-'));
  try {
    await writeFile(join(dir, 'in.yaml'), text);
    const inputs = await readPaths([join(dir, 'in.yaml')]);
    for (const o of inputs.objects) if (o.provenance.type === 'file') o.provenance.file = 'in.yaml';
    return inputs;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function located(inputs: Inputs): string[] {
  const model = buildModel(inputs, { now: NOW });
  return model.problems.map((p) => `${p.provenance.file}:${p.provenance.line}:${p.provenance.column} ${p.message}`);
}

const NODE_AFTER = 'apiVersion: v1\nkind: Node\nmetadata:\n  name: after\nstatus:\n  nodeInfo:\n    kubeletVersion: v1.33.5\n';

describe('objects with fields of the wrong type', () => {
  it.each([
    ['scalar metadata', 'apiVersion: v1\nkind: Node\nmetadata: hello\n', 'Node: metadata is the string "hello", not a mapping'],
    ['scalar annotations', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations: hello\n', 'ConfigMap a: metadata.annotations is the string "hello", not a mapping of strings'],
    ['ownerReferences that are a mapping', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  ownerReferences: {kind: ReplicaSet, name: x, controller: true}\n', 'Pod p: metadata.ownerReferences is a mapping, not a list'],
    ['a name that is a number', 'apiVersion: v1\nkind: Node\nmetadata:\n  name: 5\n', 'Node: metadata.name is a number, not a string'],
    ['a namespace that is a list', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: [a]\n', 'Pod p: metadata.namespace is a list, not a string'],
    ['a label value that is a number', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  labels: {version: 1.0}\n', 'Deployment d: metadata.labels.version is a number, not a string'],
    ['an annotation key that needs quoting', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {"kubernetes.io/config.mirror": true}\n', 'Pod p: metadata.annotations["kubernetes.io/config.mirror"] is true, not a string'],
    ['containers that are a mapping', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: {name: c}\n', 'Pod p: spec.containers is a mapping, not a list'],
    ['an image that is a number', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: 5}]\n', 'Pod p: spec.containers[0].image is a number, not a string'],
    ['an env value that is a number', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, env: [{name: ETCD_DATA_DIR, value: 1}]}]\n', 'Pod p: spec.containers[0].env[0].value is a number, not a string'],
    ['a request that is not a quantity', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, resources: {requests: {cpu: lots}}}]\n', 'Pod p: spec.containers[0].resources.requests.cpu is the string "lots", not a quantity (such as 500m or 2Gi)'],
    ['replicas as a string', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: "3"\n', 'Deployment d: spec.replicas is the string "3", not a whole number'],
    ['a PDB budget that is neither', 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: b}\nspec:\n  maxUnavailable: half\n', 'PodDisruptionBudget b: spec.maxUnavailable is the string "half", not a whole number or a percentage (such as 50%)'],
    ['a kubelet version that is a number', 'apiVersion: v1\nkind: Node\nmetadata: {name: n}\nstatus:\n  nodeInfo: {kubeletVersion: 1.3}\n', 'Node n: status.nodeInfo.kubeletVersion is a number, not a string'],
    ['taints that are a string', 'apiVersion: v1\nkind: Node\nmetadata: {name: n}\nspec:\n  taints: NoSchedule\n', 'Node n: spec.taints is the string "NoSchedule", not a list'],
    [
      'a kubeadm ClusterConfiguration that is not YAML',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kubeadm-config, namespace: kube-system}\ndata:\n  ClusterConfiguration: "kubernetesVersion: [v1.33"\n',
      'ConfigMap kube-system/kubeadm-config: data.ClusterConfiguration is not readable YAML (its line 1: invalid YAML:',
    ],
    [
      'a kubernetesVersion that is a number',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kubeadm-config, namespace: kube-system}\ndata:\n  ClusterConfiguration: "kubernetesVersion: 1.33"\n',
      'ConfigMap kube-system/kubeadm-config: data.ClusterConfiguration.kubernetesVersion is a number, not a string',
    ],
  ])('%s is a problem at the object, and the next document is read', async (_, text, message) => {
    const inputs = await read(`${text}---\n${NODE_AFTER}`);
    const problems = located(inputs);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`in.yaml:1:1 ${message}`);
    expect(problems[0]).toMatch(/; nothing in this object was checked$/);
    const model = buildModel(inputs, { now: NOW });
    expect(model.nodes.map((n) => n.name)).toEqual(['after']);
    expect(model.objects.map((o) => o.subject.ref?.name)).toEqual(['after']);
  });

  it('reads null as Kubernetes does: an unset field, or an empty label or annotation value', async () => {
    const inputs = await read(
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {app: null}\n  annotations:\n    ignore.kcheck.io/drain-unmanaged-pod: null\n  ownerReferences: null\nspec:\n  nodeName: null\n  containers: [null, {name: c, command: [etcd, null]}]\n',
    );
    const model = buildModel(inputs, { now: NOW });
    expect(model.problems).toEqual([]);
    const [pod] = model.pods;
    expect(pod).toMatchObject({ name: 'p', labels: { app: '' } });
    expect(pod!.nodeName).toBeUndefined();
    expect(pod!.subject.annotations).toEqual({ 'ignore.kcheck.io/drain-unmanaged-pod': '' });
    const result = run(model, rules, loadConfig(undefined, rules, tmpdir()));
    expect(result.findings.filter((f) => f.ruleId === 'ignore-without-reason').map((f) => f.message)).toEqual(['annotation ignore.kcheck.io/drain-unmanaged-pod has no reason']);
  });

  it('makes a scan with such an object fail even when incomplete scans are allowed', async () => {
    const inputs = await read(`apiVersion: v1\nkind: Node\nmetadata: hello\n---\n${NODE_AFTER}`);
    const result = run(buildModel(inputs, { now: NOW }), rules, loadConfig(undefined, rules, tmpdir()));
    expect(result.gaps).toEqual([]);
    expect(result.findings.filter((f) => f.ruleId === 'parse-error')).toHaveLength(1);
    expect(exitCode(result, 'error', true)).toBe(1);
  });

  it('names a live object of the wrong shape as a gap of its cluster, leaving its part of the model incomplete', () => {
    const inputs = emptyInputs();
    const provenance = { type: 'live' as const, cluster: 'prod' };
    inputs.objects.push(
      { object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'shop', labels: { tier: 1 } } } as unknown as KubeObject, provenance },
      { object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ok', namespace: 'shop' } }, provenance },
    );
    const model = buildModel(inputs, { now: NOW });
    expect(model.gaps).toEqual([{ what: 'prod/Pod shop/web', reason: 'metadata.labels.tier is a number, not a string', affects: ['pods'] }]);
    expect(model.incomplete.has('pods')).toBe(true);
    expect(model.pods.map((p) => p.name)).toEqual(['ok']);
  });

  it('turns an object that throws while it is read into a problem at its place, and reads the others', () => {
    const inputs = emptyInputs();
    const hostile = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } } as KubeObject;
    Object.defineProperty(hostile, 'status', { enumerable: true, get: () => { throw new Error('no status for you'); } });
    inputs.objects.push(
      { object: hostile, provenance: { type: 'file', file: 'x.yaml', line: 3, column: 1 } },
      { object: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n2' } }, provenance: { type: 'file', file: 'x.yaml', line: 9, column: 1 } },
    );
    const nameless = { apiVersion: 'v1', kind: 'Node' } as KubeObject;
    Object.defineProperty(nameless, 'metadata', { enumerable: true, get: () => { throw new Error('no metadata either'); } });
    inputs.objects.push({ object: nameless, provenance: { type: 'file', file: 'x.yaml', line: 15, column: 1 } });
    const model = buildModel(inputs, { now: NOW });
    expect(model.problems).toEqual([
      { provenance: { type: 'file', file: 'x.yaml', line: 3, column: 1 }, message: 'Node n1: no status for you; nothing in this object was checked' },
      { provenance: { type: 'file', file: 'x.yaml', line: 15, column: 1 }, message: 'object: no metadata either; nothing in this object was checked' },
    ]);
    expect(model.nodes.map((n) => n.name)).toEqual(['n2']);
  });

  it('asks the host about the static pods it can read only', () => {
    const provenance = { type: 'file' as const, file: '/etc/kubernetes/manifests/etcd.yaml', line: 1, column: 1 };
    const good: RawObject = {
      object: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'etcd', namespace: 'kube-system' },
        spec: { containers: [{ name: 'etcd', command: ['etcd', '--data-dir=/var/lib/etcd'], volumeMounts: [{ name: 'etcd-data', mountPath: '/var/lib/etcd' }] }], volumes: [{ name: 'etcd-data', hostPath: { path: '/var/lib/etcd' } }] },
      },
      provenance,
      origin: 'static-pod-manifest',
    };
    const bad: RawObject = { object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', annotations: 'no' as unknown as Record<string, string> } }, provenance, origin: 'static-pod-manifest' };
    expect(hostQuestions([bad, good]).etcdDataDirs).toEqual(['/var/lib/etcd']);
  });
});

/** Every leaf a shape names, as a path with one list item per list. */
function leaves(shape: Shape, path: (string | number)[] = []): { path: (string | number)[]; shape: Shape }[] {
  if (typeof shape === 'string' || 'map' in shape) return [{ path, shape }];
  if ('list' in shape) return [{ path, shape }, ...leaves(shape.list, [...path, 0])];
  return [{ path, shape }, ...Object.entries(shape.fields).flatMap(([key, field]) => leaves(field, [...path, key]))];
}

/** A value of a type the shape does not allow. */
function wrong(shape: Shape): unknown {
  if (shape === 'string') return 5;
  if (shape === 'boolean') return 'yes';
  if (shape === 'integer') return 1.5;
  if (shape === 'quantity') return 'lots';
  if (shape === 'int-or-percent') return 'half';
  if (typeof shape === 'object' && 'map' in shape) return 'x';
  return 'x';
}

function withValue(base: Record<string, unknown>, path: (string | number)[], value: unknown): Record<string, unknown> {
  const root = structuredClone(base);
  let at: Record<string | number, unknown> = root;
  path.forEach((key, i) => {
    if (i === path.length - 1) {
      at[key] = value;
      return;
    }
    const next = path[i + 1];
    at[key] ??= typeof next === 'number' ? [] : {};
    at = at[key] as Record<string | number, unknown>;
  });
  return root;
}

describe('every field the model reads', () => {
  const kinds: [string, Record<string, unknown>, Shape][] = [
    ['Node', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' } }, NODE],
    ['Pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }, POD],
    ...['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicationController'].map(
      (kind): [string, Record<string, unknown>, Shape] => [kind, { apiVersion: kind === 'ReplicationController' ? 'v1' : kind.endsWith('Job') ? 'batch/v1' : 'apps/v1', kind, metadata: { name: 'w' } }, workloadShape(kind)],
    ),
    ['PodDisruptionBudget', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'b' } }, PDB],
    ['the kubeadm-config ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kubeadm-config', namespace: 'kube-system' } }, KUBEADM_CONFIG_MAP],
    ['ClusterConfiguration', { apiVersion: 'kubeadm.k8s.io/v1beta4', kind: 'ClusterConfiguration' }, CLUSTER_CONFIGURATION],
    ['any other kind', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, OTHER],
  ];

  it.each(kinds)('of a %s: a value of the wrong type is named by its path', (_, base, shape) => {
    const cases = leaves(shape).filter((l) => l.path.length > 0 && !['metadata.name', 'metadata.namespace'].includes(formatPath(l.path)));
    expect(cases.length).toBeGreaterThan(5);
    for (const { path, shape: leaf } of cases) {
      const rejections = new Rejections();
      const object = withValue(base, path, wrong(leaf));
      const admitted = admitObjects([{ object: object as KubeObject, provenance: { type: 'file', file: 'f.yaml', line: 2, column: 1 } }], rejections);
      expect(admitted, formatPath(path)).toEqual([]);
      expect(rejections.problems.map((p) => p.message)[0], formatPath(path)).toContain(`: ${formatPath(path)} is `);
    }
  });

  it('keeps only what a shape names', () => {
    const rejections = new Rejections();
    const [pod] = admitObjects(
      [{ object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', resourceVersion: 5 }, spec: { containers: [{ name: 'c', livenessProbe: 'anything' }], whatever: [1] } } as KubeObject, provenance: { type: 'file', file: 'f', line: 1, column: 1 } }],
      rejections,
    );
    expect(rejections.problems).toEqual([]);
    expect(pod!.object).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } });
  });
});

describe('versions past what a number holds exactly', () => {
  it('are not versions, and version-unknown names where they came from', async () => {
    expect(parseVersion('v1.9999999999999999999.0')).toBeNull();
    expect(parseVersion('v1.33.9007199254740993')).toBeNull();
    expect(parseVersion('v1.33.5')).toMatchObject({ major: 1, minor: 33, patch: 5 });
    const inputs = await read('apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus:\n  nodeInfo: {kubeletVersion: v1.9999999999999999999.0}\n');
    const result = run(buildModel(inputs, { now: NOW }), rules, loadConfig(undefined, rules, tmpdir()));
    const unknown = result.findings.filter((f) => f.ruleId === 'version-unknown');
    expect(unknown.map((f) => [f.location, f.message])).toEqual([
      [{ file: 'in.yaml', line: 1, column: 1 }, 'cannot tell the version of kubelet on node n1 from "v1.9999999999999999999.0"; its skew is not checked'],
    ]);
  });
});

describe('the html report', () => {
  it('is written for a scan with a Node named 5', async () => {
    const inputs = await read(`apiVersion: v1\nkind: Node\nmetadata:\n  name: 5\nspec: {unschedulable: true}\n---\n${NODE_AFTER}`);
    const model = buildModel(inputs, { now: NOW });
    const result = run(model, rules, loadConfig(undefined, rules, tmpdir()));
    const html = formatHtml(result, { rules, toolVersion: 'test', color: false, skew: skewPicture(model), drainReadiness: drainReadiness(result.findings, rules, model) });
    expect(html).toContain('metadata.name is a number, not a string');
    expect(html).toContain('<h3>after');
  });
});

import type { RawObject } from '../sources/types.js';
import type { ControllerRef, NodeSelectorRequirement, Pod, PodAffinityTerm, PodVolume, Toleration, TopologySpreadConstraint } from './types.js';
import { MIRROR_ANNOTATION } from './static-pods.js';
import { arrayField, field, recordField, stringField } from './fields.js';
import { controllerKey, controllerRefOf } from './owners.js';
import { podRequests } from './pod-requests.js';
import { subjectOf } from './subject.js';
import { readLabelSelector, readRequirements } from './workloads.js';
import { eachObject, type Rejections } from './admit.js';
import { isPod, isWorkload } from './kinds.js';

const VOLUME_TYPES: PodVolume['type'][] = ['emptyDir', 'hostPath', 'persistentVolumeClaim', 'ephemeral', 'configMap', 'secret', 'projected'];

function readVolumes(spec: unknown, podName: string): PodVolume[] {
  return arrayField(spec, 'volumes').map((v) => {
    const type = VOLUME_TYPES.find((t) => field(v, t) !== undefined && field(v, t) !== null) ?? 'other';
    const name = stringField(v, 'name') ?? '(unnamed)';
    const hostPath = stringField(v, 'hostPath', 'path');
    // A generic ephemeral volume's claim is named <pod>-<volume>: https://kubernetes.io/docs/concepts/storage/ephemeral-volumes/#persistentvolumeclaim-naming
    const claimName = type === 'persistentVolumeClaim' ? stringField(v, 'persistentVolumeClaim', 'claimName') : type === 'ephemeral' ? `${podName}-${name}` : undefined;
    return { name, type, ...(type === 'hostPath' && hostPath ? { hostPath } : {}), ...(claimName ? { claimName } : {}) };
  });
}

function readAffinityTerms(spec: unknown, kind: 'podAffinity' | 'podAntiAffinity'): PodAffinityTerm[] {
  return arrayField(spec, 'affinity', kind, 'requiredDuringSchedulingIgnoredDuringExecution').flatMap((t) => {
    const topologyKey = stringField(t, 'topologyKey');
    if (!topologyKey) return [];
    const labelSelector = readLabelSelector(field(t, 'labelSelector'));
    const namespaceSelector = readLabelSelector(field(t, 'namespaceSelector'));
    const namespaces = arrayField(t, 'namespaces').filter((n): n is string => typeof n === 'string');
    return [{ topologyKey, namespaces, ...(labelSelector ? { labelSelector } : {}), ...(namespaceSelector ? { namespaceSelector } : {}) }];
  });
}

function readTopologySpread(spec: unknown): TopologySpreadConstraint[] {
  return arrayField(spec, 'topologySpreadConstraints').flatMap((c) => {
    const topologyKey = stringField(c, 'topologyKey');
    const maxSkew = field(c, 'maxSkew');
    if (!topologyKey || typeof maxSkew !== 'number') return [];
    const labelSelector = readLabelSelector(field(c, 'labelSelector'));
    const minDomains = field(c, 'minDomains');
    return [{
      maxSkew,
      topologyKey,
      whenUnsatisfiable: stringField(c, 'whenUnsatisfiable') ?? 'DoNotSchedule',
      ...(labelSelector ? { labelSelector } : {}),
      ...(typeof minDomains === 'number' ? { minDomains } : {}),
      nodeAffinityPolicy: stringField(c, 'nodeAffinityPolicy') ?? 'Honor',
      nodeTaintsPolicy: stringField(c, 'nodeTaintsPolicy') ?? 'Ignore',
      matchLabelKeys: arrayField(c, 'matchLabelKeys').filter((k): k is string => typeof k === 'string'),
    }];
  });
}

function readTolerations(spec: unknown): Toleration[] {
  return arrayField(spec, 'tolerations').map((t) => {
    const out: Toleration = {};
    const key = stringField(t, 'key');
    const operator = stringField(t, 'operator');
    const value = stringField(t, 'value');
    const effect = stringField(t, 'effect');
    if (key) out.key = key;
    if (operator === 'Exists' || operator === 'Equal') out.operator = operator;
    if (value !== undefined) out.value = value;
    if (effect) out.effect = effect;
    return out;
  });
}

/** requiredDuringSchedulingIgnoredDuringExecution terms; matchFields become requirements on node fields. */
function readRequiredAffinity(spec: unknown): NodeSelectorRequirement[][] {
  const terms = arrayField(spec, 'affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms');
  return terms.map((term) => [
    ...readRequirements(arrayField(term, 'matchExpressions')),
    ...readRequirements(arrayField(term, 'matchFields'), true),
  ]);
}

function readHostPorts(spec: unknown): number[] {
  const ports = [...arrayField(spec, 'containers'), ...arrayField(spec, 'initContainers')]
    .flatMap((c) => arrayField(c, 'ports'))
    .map((p) => field(p, 'hostPort'))
    .filter((p): p is number => typeof p === 'number' && p > 0);
  return [...new Set(ports)];
}

function readReady(object: unknown): boolean {
  const ready = arrayField(object, 'status', 'conditions').find((c) => stringField(c, 'type') === 'Ready');
  return ready ? stringField(ready, 'status') === 'True' : false;
}

/**
 * Follows controller references upward through the workloads that were read:
 * Pod → ReplicaSet → Deployment, Pod → Job → CronJob. Stops at the first owner
 * that was not read (its controller is unknown) or after a few hops (a cycle).
 */
function topControllerOf(namespace: string, first: ControllerRef, owners: Map<string, RawObject>): ControllerRef {
  let top = first;
  for (let hop = 0; hop < 5; hop++) {
    const owner = owners.get(controllerKey(namespace, top));
    const next = owner ? controllerRefOf(owner.object) : undefined;
    if (!next) break;
    top = next;
  }
  return top;
}

function readPod(raw: RawObject, owners: Map<string, RawObject>): Pod {
  const o = raw.object;
  const spec = field(o, 'spec');
  const namespace = o.metadata?.namespace ?? 'default';
  const controller = controllerRefOf(o);
  const nodeName = stringField(spec, 'nodeName');
  const phase = stringField(o, 'status', 'phase');
  const images = [...arrayField(spec, 'initContainers'), ...arrayField(spec, 'containers')]
    .map((c) => stringField(c, 'image'))
    .filter((i): i is string => !!i);
  return {
    namespace,
    name: o.metadata?.name ?? '(unnamed)',
    ...(o.metadata?.uid ? { uid: o.metadata.uid } : {}),
    labels: recordField(o, 'metadata', 'labels'),
    ...(nodeName ? { nodeName } : {}),
    ...(phase ? { phase } : {}),
    deleting: typeof o.metadata?.deletionTimestamp === 'string' && o.metadata.deletionTimestamp !== '',
    ...(typeof o.metadata?.deletionTimestamp === 'string' && o.metadata.deletionTimestamp !== '' ? { deletionTimestamp: o.metadata.deletionTimestamp } : {}),
    ...(Array.isArray(o.metadata?.finalizers) && o.metadata.finalizers.length > 0 ? { finalizers: (o.metadata.finalizers as unknown[]).filter((f): f is string => typeof f === 'string') } : {}),
    ...(typeof field(spec, 'terminationGracePeriodSeconds') === 'number' ? { terminationGracePeriodSeconds: field(spec, 'terminationGracePeriodSeconds') as number } : {}),
    mirror: MIRROR_ANNOTATION in (o.metadata?.annotations ?? {}),
    ...(controller ? { controller, topController: topControllerOf(namespace, controller, owners) } : {}),
    ready: readReady(o),
    volumes: readVolumes(spec, o.metadata?.name ?? '(unnamed)'),
    requests: podRequests(spec),
    tolerations: readTolerations(spec),
    nodeSelector: recordField(spec, 'nodeSelector'),
    requiredNodeAffinity: readRequiredAffinity(spec),
    hostPorts: readHostPorts(spec),
    ...(readAffinityTerms(spec, 'podAffinity').length > 0 ? { podAffinity: readAffinityTerms(spec, 'podAffinity') } : {}),
    ...(readAffinityTerms(spec, 'podAntiAffinity').length > 0 ? { podAntiAffinity: readAffinityTerms(spec, 'podAntiAffinity') } : {}),
    ...(readTopologySpread(spec).length > 0 ? { topologySpread: readTopologySpread(spec) } : {}),
    images,
    subject: subjectOf(raw),
  };
}

/**
 * Pods as the API serves them. Files from a node's /etc/kubernetes/manifests
 * are skipped: they are static pod manifests, and the API shows them only as
 * mirror pods.
 */
export function readPods(raws: RawObject[], rejections?: Rejections): Pod[] {
  const owners = new Map<string, RawObject>();
  for (const raw of raws) {
    if (!isWorkload(raw)) continue;
    const { kind, metadata } = raw.object;
    owners.set(controllerKey(metadata?.namespace ?? 'default', { kind: kind!, name: metadata?.name ?? '' }), raw);
  }
  const pods = raws.filter((r) => isPod(r) && r.origin !== 'static-pod-manifest');
  return eachObject(pods, (raw) => [readPod(raw, owners)], rejections);
}

import type { RawObject } from '../sources/types.js';
import type { AdmissionWebhook, ApiService, ClusterModel, Namespace, PersistentVolume, Service, ServiceRef, VolumeClaim } from './types.js';
import { eachObject, type Rejections } from './admit.js';
import { isApiService, isNamespace, isPersistentVolume, isService, isVolumeClaim, isWebhookConfiguration } from './drain-shapes.js';
import { arrayField, field, recordField, stringField } from './fields.js';
import { subjectOf } from './subject.js';
import { readLabelSelector, readRequirements } from './workloads.js';

function serviceRef(value: unknown): ServiceRef | undefined {
  const namespace = stringField(value, 'namespace');
  const name = stringField(value, 'name');
  return namespace && name ? { namespace, name } : undefined;
}

function readNamespace(raw: RawObject): Namespace {
  const o = raw.object;
  return { name: o.metadata?.name ?? '(unnamed)', labels: recordField(o, 'metadata', 'labels'), terminating: stringField(o, 'status', 'phase') === 'Terminating', subject: subjectOf(raw) };
}

function readVolumeClaim(raw: RawObject): VolumeClaim {
  const o = raw.object;
  const volumeName = stringField(o, 'spec', 'volumeName');
  return { namespace: o.metadata?.namespace ?? 'default', name: o.metadata?.name ?? '(unnamed)', ...(volumeName ? { volumeName } : {}), subject: subjectOf(raw) };
}

function readPersistentVolume(raw: RawObject): PersistentVolume {
  const o = raw.object;
  const terms = arrayField(o, 'spec', 'nodeAffinity', 'required', 'nodeSelectorTerms');
  return {
    name: o.metadata?.name ?? '(unnamed)',
    nodeAffinity: terms.map((t) => [...readRequirements(arrayField(t, 'matchExpressions')), ...readRequirements(arrayField(t, 'matchFields'), true)]),
    subject: subjectOf(raw),
  };
}

function readWebhooks(raw: RawObject): AdmissionWebhook[] {
  const o = raw.object;
  const kind = o.kind as AdmissionWebhook['kind'];
  return arrayField(o, 'webhooks').map((w) => {
    const service = serviceRef(field(w, 'clientConfig', 'service'));
    const namespaceSelector = readLabelSelector(field(w, 'namespaceSelector'));
    const objectSelector = readLabelSelector(field(w, 'objectSelector'));
    const strings = (v: unknown, key: string): string[] => arrayField(v, key).filter((x): x is string => typeof x === 'string');
    return {
      configuration: o.metadata?.name ?? '(unnamed)',
      kind,
      name: stringField(w, 'name') ?? '(unnamed)',
      // admissionregistration.k8s.io/v1 defaults failurePolicy to Fail.
      failurePolicy: stringField(w, 'failurePolicy') ?? 'Fail',
      ...(service ? { service } : {}),
      rules: arrayField(w, 'rules').map((r) => ({ operations: strings(r, 'operations'), apiGroups: strings(r, 'apiGroups'), resources: strings(r, 'resources') })),
      ...(namespaceSelector ? { namespaceSelector } : {}),
      ...(objectSelector ? { objectSelector } : {}),
      subject: subjectOf(raw),
    };
  });
}

function readApiService(raw: RawObject): ApiService {
  const service = serviceRef(field(raw.object, 'spec', 'service'));
  return { name: raw.object.metadata?.name ?? '(unnamed)', ...(service ? { service } : {}), subject: subjectOf(raw) };
}

function readService(raw: RawObject): Service {
  const o = raw.object;
  const selector = field(o, 'spec', 'selector');
  return {
    namespace: o.metadata?.namespace ?? 'default',
    name: o.metadata?.name ?? '(unnamed)',
    ...(selector && typeof selector === 'object' ? { selector: recordField(o, 'spec', 'selector') } : {}),
    subject: subjectOf(raw),
  };
}

type DrainInputs = Required<Pick<ClusterModel, 'namespaces' | 'volumeClaims' | 'persistentVolumes' | 'webhooks' | 'apiServices' | 'services'>>;

/** The objects besides nodes, pods, workloads and PDBs that a drain's outcome depends on. */
export function readDrainInputs(raws: RawObject[], rejections?: Rejections): DrainInputs {
  return {
    namespaces: eachObject(raws.filter(isNamespace), (r) => [readNamespace(r)], rejections),
    volumeClaims: eachObject(raws.filter(isVolumeClaim), (r) => [readVolumeClaim(r)], rejections),
    persistentVolumes: eachObject(raws.filter(isPersistentVolume), (r) => [readPersistentVolume(r)], rejections),
    webhooks: eachObject(raws.filter(isWebhookConfiguration), readWebhooks, rejections),
    apiServices: eachObject(raws.filter(isApiService), (r) => [readApiService(r)], rejections),
    services: eachObject(raws.filter(isService), (r) => [readService(r)], rejections),
  };
}

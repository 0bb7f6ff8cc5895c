import { readYamlValue } from '../sources/manifests/yaml-text.js';
import type { KubeObject, ModelPart, ParseProblem, RawObject, ScanGap } from '../sources/types.js';
import { isClusterConfiguration, isKubeadmConfigMap, isNode, isPdb, isPod, isWorkload } from './kinds.js';
import { drainInputShape } from './drain-shapes.js';
import { CLUSTER_CONFIGURATION, KUBEADM_CONFIG_MAP, METADATA, NODE, OTHER, PDB, POD, project, WrongShape, workloadShape, type Shape } from './shapes.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function attempt<T>(read: () => T, otherwise: T): T {
  try {
    return read();
  } catch {
    return otherwise;
  }
}

/** `Pod kube-system/etcd-cp-1`, with only the parts that are strings. */
function describeObject(object: unknown): string {
  if (!isRecord(object)) return 'object';
  const kind = typeof object.kind === 'string' && object.kind !== '' ? object.kind : 'object';
  const meta = isRecord(object.metadata) ? object.metadata : {};
  const name = typeof meta.name === 'string' && meta.name !== '' ? meta.name : undefined;
  const namespace = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : undefined;
  if (!name) return kind;
  return `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

/** The parts of the model an object of this kind feeds: unseen when it cannot be read from a cluster. */
function partsOf(raw: RawObject): ModelPart[] {
  const object: unknown = raw.object;
  const namespace = isRecord(object) && isRecord(object.metadata) ? object.metadata.namespace : undefined;
  if (isNode(raw)) return ['nodes'];
  if (isPod(raw)) return namespace === 'kube-system' ? ['pods', 'controlPlane'] : ['pods'];
  if (isWorkload(raw)) return ['workloads'];
  if (isPdb(raw)) return ['pdbs'];
  if (isKubeadmConfigMap(raw) || isClusterConfiguration(raw)) return ['controlPlane'];
  return [];
}

/**
 * Objects the model could not take, and why: a problem at the object's
 * file and line, or, for an object a cluster served, a gap that makes the
 * scan incomplete. An object is named once, however many readers fail on it.
 */
export class Rejections {
  readonly problems: ParseProblem[] = [];
  readonly gaps: ScanGap[] = [];
  private named = new WeakSet<RawObject>();

  reject(raw: RawObject, reason: string): void {
    if (this.named.has(raw)) return;
    this.named.add(raw);
    // Naming the object reads it too, and an object that throws on one read may throw on this one.
    const what = attempt(() => describeObject(raw.object), 'object');
    const p = raw.provenance;
    if (p.type === 'file') {
      this.problems.push({ provenance: p, message: `${what}: ${reason}; nothing in this object was checked` });
      return;
    }
    const where = p.type === 'live' ? p.cluster : p.flag;
    const affects = attempt(() => partsOf(raw), []);
    this.gaps.push({ what: `${where}/${what}`, reason, ...(affects.length > 0 ? { affects } : {}) });
  }
}

/**
 * What the model reads of a kubeadm ClusterConfiguration held as YAML text
 * (the kubeadm-config ConfigMap's data.ClusterConfiguration); throws
 * WrongShape, or an Error saying where the YAML is broken.
 */
export function clusterConfigurationText(text: string, path: (string | number)[] = ['data', 'ClusterConfiguration']): { kubernetesVersion?: string } {
  const read = readYamlValue(text);
  if (!read.ok) throw new Error(`${path.join('.')} is not readable YAML (its line ${read.at.line}: ${read.message})`);
  if (read.value === null) return {};
  return project(read.value, { fields: { kubernetesVersion: 'string' } }, path) as { kubernetesVersion?: string };
}

function shapeOf(raw: RawObject): Shape {
  if (isNode(raw)) return NODE;
  if (isPod(raw)) return POD;
  if (isWorkload(raw)) return workloadShape(raw.object.kind!);
  if (isPdb(raw)) return PDB;
  if (isKubeadmConfigMap(raw)) return KUBEADM_CONFIG_MAP;
  if (isClusterConfiguration(raw)) return CLUSTER_CONFIGURATION;
  return drainInputShape(raw) ?? OTHER;
}

/** The object as the model reads it, or a throw saying what is wrong with it. */
function admitted(raw: RawObject): KubeObject {
  const object: unknown = raw.object;
  if (!isRecord(object)) throw new Error('not a Kubernetes object (not a mapping)');
  const { apiVersion, kind } = object;
  if (apiVersion !== undefined && typeof apiVersion !== 'string') throw new WrongShape(['apiVersion'], apiVersion, 'string');
  if (kind !== undefined && typeof kind !== 'string') throw new WrongShape(['kind'], kind, 'string');
  // The kind tests read metadata.name and namespace: they see them checked.
  const metadata = object.metadata === undefined || object.metadata === null ? undefined : project(object.metadata, METADATA, ['metadata']);
  const head: KubeObject = { ...(apiVersion !== undefined ? { apiVersion } : {}), ...(kind !== undefined ? { kind } : {}) };
  if (metadata !== undefined) head.metadata = metadata as KubeObject['metadata'];
  const shaped = { ...raw, object: head };
  const body = project(object, shapeOf(shaped)) as KubeObject;
  if (isKubeadmConfigMap(shaped)) {
    const text = (body.data as { ClusterConfiguration?: string } | undefined)?.ClusterConfiguration;
    if (text !== undefined) clusterConfigurationText(text);
  }
  return { ...body, ...head };
}

/**
 * The objects as the model reads them: each checked against the shape of
 * its kind and cut down to the fields the model reads. An object with a
 * field of the wrong type is left out and named in `rejections`, as the API
 * server refuses it; so is one that cannot be read for any other reason.
 */
export function admitObjects(raws: RawObject[], rejections: Rejections): RawObject[] {
  const out: RawObject[] = [];
  for (const raw of raws) {
    try {
      out.push({ ...raw, object: admitted(raw) });
    } catch (err) {
      rejections.reject(raw, message(err));
    }
  }
  return out;
}

/**
 * Reads each object with `read`; an object `read` throws on is named in
 * `rejections` and the others are still read. Without `rejections` a
 * throw goes to the caller.
 */
export function eachObject<T>(raws: RawObject[], read: (raw: RawObject) => T[], rejections: Rejections | undefined): T[] {
  const out: T[] = [];
  for (const raw of raws) {
    if (!rejections) {
      for (const item of read(raw)) out.push(item);
      continue;
    }
    try {
      for (const item of read(raw)) out.push(item);
    } catch (err) {
      rejections.reject(raw, `kcheck could not read it (${message(err)})`);
    }
  }
  return out;
}

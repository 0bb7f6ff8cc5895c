import type { KubeObject, Provenance, RawObject } from '../sources/types.js';
import type { ObjectRef, Subject } from './types.js';

function refOf(object: KubeObject): ObjectRef {
  const meta = object.metadata ?? {};
  return {
    apiVersion: object.apiVersion,
    kind: object.kind ?? 'Unknown',
    ...(meta.namespace ? { namespace: meta.namespace } : {}),
    name: meta.name ?? '(unnamed)',
  };
}

export function subjectOf(raw: RawObject): Subject {
  return { ref: refOf(raw.object), provenance: raw.provenance, annotations: raw.object.metadata?.annotations };
}

export function flagSubject(flag: string, ref: ObjectRef | null = null): Subject {
  const provenance: Provenance = { type: 'flag', flag };
  return { ref, provenance };
}

/** The cluster as a whole: findings about it have no object and no file. */
export const clusterSubject: Subject = { ref: null, provenance: null };

/** `Kind ns/name` or `Kind name`, as operators write it. */
export function describeRef(ref: ObjectRef | null): string {
  if (!ref) return 'the cluster';
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

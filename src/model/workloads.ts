import type { RawObject } from '../sources/types.js';
import type { LabelSelector, NodeSelectorRequirement, Workload } from './types.js';
import { field, recordField, arrayField, stringField } from './fields.js';
import { controllerRefOf } from './owners.js';
import { subjectOf } from './subject.js';
import { eachObject, type Rejections } from './admit.js';
import { isWorkload } from './kinds.js';

/** Deployments, ReplicaSets, StatefulSets and ReplicationControllers default spec.replicas to 1. */
const SCALED_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'ReplicationController']);

export function readRequirements(list: unknown[], isField = false): NodeSelectorRequirement[] {
  return list.flatMap((e) => {
    const key = stringField(e, 'key');
    const operator = stringField(e, 'operator');
    if (!key || !operator) return [];
    const values = arrayField(e, 'values').filter((v): v is string => typeof v === 'string');
    return [{ key, operator, ...(values.length > 0 ? { values } : {}), ...(isField ? { field: true } : {}) }];
  });
}

/**
 * A label selector as written. A ReplicationController's selector is a plain
 * label map; everything else uses matchLabels/matchExpressions.
 */
export function readLabelSelector(value: unknown, plainMap = false): LabelSelector | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  if (plainMap) return { matchLabels: recordField(value) };
  const selector: LabelSelector = {};
  const matchLabels = field(value, 'matchLabels');
  if (matchLabels && typeof matchLabels === 'object') selector.matchLabels = recordField(value, 'matchLabels');
  const expressions = readRequirements(arrayField(value, 'matchExpressions'));
  if (expressions.length > 0) selector.matchExpressions = expressions;
  return selector;
}

function podTemplatePath(kind: string): string[] {
  return kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template'] : ['spec', 'template'];
}

function readWorkload(raw: RawObject): Workload {
  const o = raw.object;
  const kind = o.kind as Workload['kind'];
  const replicas = field(o, 'spec', 'replicas');
  const controller = controllerRefOf(o);
  const selector = readLabelSelector(field(o, 'spec', 'selector'), kind === 'ReplicationController');
  const templateLabels = field(o, ...podTemplatePath(kind), 'metadata', 'labels');
  return {
    kind,
    namespace: o.metadata?.namespace ?? 'default',
    name: o.metadata?.name ?? '(unnamed)',
    ...(o.metadata?.uid ? { uid: o.metadata.uid } : {}),
    ...(typeof replicas === 'number' ? { replicas } : SCALED_KINDS.has(kind) ? { replicas: 1 } : {}),
    ...(selector ? { selector } : {}),
    ...(controller ? { controller } : {}),
    ...(templateLabels && typeof templateLabels === 'object' ? { podLabels: recordField(o, ...podTemplatePath(kind), 'metadata', 'labels') } : {}),
    subject: subjectOf(raw),
  };
}

export function readWorkloads(raws: RawObject[], rejections?: Rejections): Workload[] {
  return eachObject(raws.filter(isWorkload), (raw) => [readWorkload(raw)], rejections);
}

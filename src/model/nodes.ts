import type { RawObject } from '../sources/types.js';
import type { Node, Taint } from './types.js';
import { arrayField, field, recordField, stringField } from './fields.js';
import { subjectOf } from './subject.js';
import { parseQuantity } from './quantity.js';
import { eachObject, type Rejections } from './admit.js';
import { isNode } from './kinds.js';

/**
 * kubeadm labels control-plane nodes `node-role.kubernetes.io/control-plane`
 * (`master` before 1.24): https://kubernetes.io/docs/reference/labels-annotations-taints/
 */
const CONTROL_PLANE_LABELS = ['node-role.kubernetes.io/control-plane', 'node-role.kubernetes.io/master'];

function readTaints(object: unknown): Taint[] {
  return arrayField(object, 'spec', 'taints').flatMap((t) => {
    const key = stringField(t, 'key');
    const effect = stringField(t, 'effect');
    return key && effect ? [{ key, effect, ...(stringField(t, 'value') ? { value: stringField(t, 'value') } : {}) }] : [];
  });
}

function readReady(object: unknown): boolean | null {
  const ready = arrayField(object, 'status', 'conditions').find((c) => stringField(c, 'type') === 'Ready');
  return ready ? stringField(ready, 'status') === 'True' : null;
}

function readNode(raw: RawObject): Node {
  const o = raw.object;
  const labels = recordField(o, 'metadata', 'labels');
  const allocatable: Record<string, number> = {};
  for (const [name, quantity] of Object.entries(recordField(o, 'status', 'allocatable'))) {
    const value = parseQuantity(quantity, name === 'cpu');
    if (value !== null) allocatable[name] = value;
  }
  return {
    name: o.metadata?.name ?? '(unnamed)',
    labels,
    unschedulable: field(o, 'spec', 'unschedulable') === true,
    taints: readTaints(o),
    ready: readReady(o),
    controlPlane: CONTROL_PLANE_LABELS.some((l) => l in labels),
    allocatable,
    subject: subjectOf(raw),
  };
}

export function readNodes(raws: RawObject[], rejections?: Rejections): Node[] {
  return eachObject(raws.filter(isNode), (raw) => [readNode(raw)], rejections);
}

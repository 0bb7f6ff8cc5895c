import type { ObjectRef } from '../model/types.js';

/** `Kind namespace/name`, or `Kind name` for cluster-scoped objects, as kubectl users read them. */
export function objectLabel(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

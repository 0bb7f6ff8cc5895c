import type { KubeObject } from '../types.js';
import type { ManifestEvent } from './events.js';
import type { Piece, Position } from './pieces.js';
import { versionOutputOf } from './version-output.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isKubeObject(value: unknown): value is KubeObject {
  return isRecord(value) && typeof value.apiVersion === 'string' && value.apiVersion !== '' && typeof value.kind === 'string' && value.kind !== '';
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a sequence';
  if (isRecord(value)) return 'a mapping';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number' || typeof value === 'bigint') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return 'a scalar';
}

function notKubernetes(value: Record<string, unknown>): string {
  const apiVersion = typeof value.apiVersion === 'string' && value.apiVersion !== '';
  const kind = typeof value.kind === 'string' && value.kind !== '';
  const missing = !apiVersion && !kind ? 'apiVersion or kind' : apiVersion ? 'kind' : 'apiVersion';
  return `not a Kubernetes object (no ${missing})`;
}

/**
 * managedFields (server-side apply bookkeeping) is often half of a dumped
 * object and nothing reads it. A `metadata` that is not a mapping stays as
 * it is, for the model to report.
 */
function reduce(object: KubeObject): KubeObject {
  if (isRecord(object.metadata) && 'managedFields' in object.metadata) delete object.metadata.managedFields;
  return object;
}

/**
 * A `kind: ...List` whose `items` is not a list: kubectl reads its items
 * only from a list (meta.IsListType), so none of them would be applied.
 */
function itemsNotAList(value: Record<string, unknown>): string | undefined {
  const { kind, items } = value;
  if (typeof kind !== 'string' || !kind.endsWith('List') || items === undefined || items === null || Array.isArray(items)) return undefined;
  return `this ${kind} has items that are ${describe(items)}, not a list; none of it was read`;
}

interface ListInfo {
  apiVersion?: string;
  itemKind?: string;
  /** Items without apiVersion/kind, waiting for the envelope (JSON from kubectl puts `kind` after `items`). */
  waiting: { value: Record<string, unknown>; at: Position }[];
}

/**
 * A PodList from the API server (not from kubectl) has items without
 * apiVersion/kind; they are the list's kind minus "List", in its group-version.
 */
function listInfoOf(envelope: unknown, into: ListInfo): void {
  if (!isRecord(envelope)) return;
  if (typeof envelope.apiVersion === 'string' && envelope.apiVersion !== '') into.apiVersion = envelope.apiVersion;
  const kind = envelope.kind;
  if (typeof kind === 'string' && kind.endsWith('List') && kind.length > 'List'.length) into.itemKind = kind.slice(0, -'List'.length);
}

function named(value: Record<string, unknown>, list: ListInfo): Record<string, unknown> {
  return { ...value, apiVersion: value.apiVersion || list.apiVersion, kind: value.kind || list.itemKind };
}

/** Turns the splitters' pieces into Kubernetes objects, version reports, problems and skipped documents. */
export class Judge {
  private lists = new Map<number, ListInfo>();

  *accept(piece: Piece): Generator<ManifestEvent> {
    switch (piece.kind) {
      case 'problem':
        yield { type: 'problem', message: piece.message, at: piece.at };
        return;
      case 'document':
        yield* this.document(piece.value, piece.at);
        return;
      case 'list-start': {
        const info: ListInfo = { waiting: [] };
        listInfoOf(piece.envelope, info);
        this.lists.set(piece.list, info);
        return;
      }
      case 'list-item':
        yield* this.item(piece.list, piece.value, piece.at);
        return;
      case 'list-end':
        yield* this.endList(piece.list, piece.envelope);
        return;
    }
  }

  private *document(value: unknown, at: Position): Generator<ManifestEvent> {
    if (value === null || value === undefined) return;
    if (isKubeObject(value)) {
      const notAList = itemsNotAList(value);
      if (notAList) yield { type: 'problem', message: notAList, at };
      else yield { type: 'object', object: reduce(value), at };
      return;
    }
    const versions = versionOutputOf(value);
    if (versions) {
      yield { type: 'version', ...versions, at };
      return;
    }
    const reason = isRecord(value) ? notKubernetes(value) : `not a Kubernetes object (${describe(value)})`;
    yield { type: 'skipped', reason, at };
  }

  private *item(list: number, value: unknown, at: Position): Generator<ManifestEvent> {
    if (value === null || value === undefined) return;
    if (isKubeObject(value)) {
      yield { type: 'object', object: reduce(value), at };
      return;
    }
    if (!isRecord(value)) {
      yield { type: 'skipped', reason: `list item is not a Kubernetes object (${describe(value)})`, at };
      return;
    }
    const info = this.lists.get(list) ?? { waiting: [] };
    this.lists.set(list, info);
    const filled = named(value, info);
    if (isKubeObject(filled)) yield { type: 'object', object: reduce(filled), at };
    else info.waiting.push({ value, at });
  }

  private *endList(list: number, envelope: unknown): Generator<ManifestEvent> {
    const info = this.lists.get(list) ?? { waiting: [] };
    this.lists.delete(list);
    listInfoOf(envelope, info);
    for (const { value, at } of info.waiting) {
      const filled = named(value, info);
      if (isKubeObject(filled)) yield { type: 'object', object: reduce(filled), at };
      else yield { type: 'skipped', reason: `list item is ${notKubernetes(value)}`, at };
    }
  }
}

import type { KubeObject } from '../types.js';
import type { ApiClient } from './client.js';
import { statusMessage } from './client.js';
import { ClusterReadError } from './errors.js';
import { reduceObject } from './reduce.js';
import type { ListedResource } from './resources.js';
import { apiVersionOf, listPath } from './resources.js';

export type ListOutcome =
  | { read: true; items: KubeObject[]; pages: number; restarts: number }
  | { read: false; status: number; message: string }
  /** An answer that is not a list of objects: what was wrong with it. */
  | { read: false; malformed: string };

/**
 * How often an expired continue token may restart one list. A list that
 * outlives etcd compaction (5 minutes by default) again and again will not
 * finish by retrying.
 */
const MAX_RESTARTS = 3;

export interface ListOptions {
  pageSize: number;
  /** Called with the number of objects each page added (negative when a restart drops them). */
  onObjects?: (count: number) => void;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a JSON array';
  if (typeof value === 'object') return 'a JSON object';
  return `a ${typeof value}`;
}

/**
 * The items of one page, or what is wrong with the answer. An empty list
 * is `"items": []`, or `"items": null` from a server that serialises Go's
 * nil slice (https://pkg.go.dev/encoding/json#Marshal); no `items` at all,
 * or items that are not objects, is not a list answer.
 */
function pageItems(body: unknown, path: string): { items: Record<string, unknown>[] } | { malformed: string } {
  if (!isRecord(body)) return { malformed: `GET ${path} answered ${describe(body)}, not a list` };
  if (!('items' in body)) return { malformed: `GET ${path} answered a list without "items"` };
  if (body.items === null) return { items: [] };
  if (!Array.isArray(body.items)) return { malformed: `GET ${path} answered a list whose "items" is ${describe(body.items)}, not an array` };
  const bad = body.items.findIndex((item) => !isRecord(item));
  if (bad !== -1) return { malformed: `GET ${path} answered a list whose item ${bad} is ${describe(body.items[bad])}, not an object` };
  return { items: body.items as Record<string, unknown>[] };
}

function continueToken(body: unknown): string | undefined {
  if (!body || typeof body !== 'object' || !('metadata' in body)) return undefined;
  const metadata = body.metadata;
  if (!metadata || typeof metadata !== 'object' || !('continue' in metadata)) return undefined;
  return typeof metadata.continue === 'string' && metadata.continue !== '' ? metadata.continue : undefined;
}

/**
 * Lists one resource in all namespaces, page by page (`limit` + `continue`:
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#retrieving-large-results-sets-in-chunks).
 * A continue token that expired (410 Gone) starts the list again from the top,
 * dropping what the earlier pass read so no object is counted twice. A 403 or
 * 404, or an answer that is not a list of objects, is returned for the caller
 * to turn into a gap (what the earlier pages read is dropped).
 */
export async function listAll(client: ApiClient, resource: ListedResource, options: ListOptions): Promise<ListOutcome> {
  const base = listPath(resource);
  const apiVersion = apiVersionOf(resource);
  let read: KubeObject[] = [];
  let pages = 0;
  let restarts = 0;
  let token: string | undefined;
  for (;;) {
    const query = new URLSearchParams({ limit: String(options.pageSize) });
    if (token) query.set('continue', token);
    const path = `${base}?${query.toString()}`;
    const answer = await client.get(path);
    if (answer.status === 410 && token !== undefined) {
      restarts++;
      if (restarts > MAX_RESTARTS) {
        throw new ClusterReadError(
          `listing ${resource.resource} restarted ${MAX_RESTARTS} times after its continue token expired (410 Gone); the list takes longer than etcd keeps old revisions — try a larger page size`,
        );
      }
      options.onObjects?.(-read.length);
      read = [];
      token = undefined;
      continue;
    }
    if (answer.status === 403 || answer.status === 404) {
      options.onObjects?.(-read.length);
      return { read: false, status: answer.status, message: statusMessage(answer.body) ?? `HTTP ${answer.status}` };
    }
    if (answer.status < 200 || answer.status >= 300) {
      throw new ClusterReadError(
        `GET ${path} answered HTTP ${answer.status}${statusMessage(answer.body) ? `: ${statusMessage(answer.body)}` : ''}`,
      );
    }
    pages++;
    const page = pageItems(answer.body, path);
    if ('malformed' in page) {
      options.onObjects?.(-read.length);
      return { read: false, malformed: page.malformed };
    }
    for (const item of page.items) read.push(reduceObject(item, apiVersion, resource.kind));
    options.onObjects?.(page.items.length);
    token = continueToken(answer.body);
    if (!token) return { read: true, items: read, pages, restarts };
  }
}

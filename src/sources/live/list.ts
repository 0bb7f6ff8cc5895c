import type { KubeObject } from '../types.js';
import type { ApiClient } from './client.js';
import { statusMessage } from './client.js';
import { ClusterReadError } from './errors.js';
import { reduceObject } from './reduce.js';
import type { ListedResource } from './resources.js';
import { apiVersionOf, listPath } from './resources.js';

export type ListOutcome =
  | { read: true; items: KubeObject[]; pages: number; restarts: number }
  | { read: false; status: number; message: string };

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

function items(body: unknown): unknown[] {
  if (body && typeof body === 'object' && 'items' in body && Array.isArray(body.items)) return body.items;
  return [];
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
 * 404 is returned for the caller to turn into a gap.
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
    const page = items(answer.body);
    for (const item of page) {
      if (item && typeof item === 'object' && !Array.isArray(item)) {
        read.push(reduceObject(item as Record<string, unknown>, apiVersion, resource.kind));
      }
    }
    options.onObjects?.(page.length);
    token = continueToken(answer.body);
    if (!token) return { read: true, items: read, pages, restarts };
  }
}

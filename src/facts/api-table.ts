import { loadData } from './load-table.js';
import { parseMinor, type Version } from '../model/version.js';

/** One row of api-versions.yaml: an apiVersion and the kinds that share its lifecycle. */
interface ApiVersionRow {
  apiVersion: string;
  kinds: string[];
  deprecatedIn?: string;
  removedIn?: string;
  replacement?: string;
  replacementKind?: string;
  replacementSince?: string;
  changes?: string;
  instead?: string;
  note?: string;
}

export interface ApiVersionTable {
  source: string[];
  taken: string;
  /** Kinds each built-in API group has served, in any version ("" is the core group). */
  groups: Record<string, string[]>;
  apis: ApiVersionRow[];
}

/** The lifecycle of one kind at one apiVersion. */
export interface ApiLifecycle {
  apiVersion: string;
  group: string;
  version: string;
  kind: string;
  /** Null: removed without a deprecation period (alpha versions). */
  deprecatedIn: Version | null;
  /** Null: still served (stable versions are never removed within 1.x). */
  removedIn: Version | null;
  replacement: { apiVersion: string; kind: string; since: Version } | null;
  /** What else changes when moving to the replacement. */
  changes?: string;
  /** In a few words, what takes the place of one without a replacement. */
  instead?: string;
  /** What to do when there is no replacement. */
  note?: string;
}

export const apiVersionTable = loadData<ApiVersionTable>('api-versions.yaml');

/** `apps/v1` → group `apps`, version `v1`; `v1` → the core group "". */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash === -1
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

function minor(text: string | undefined, row: ApiVersionRow, field: string): Version | null {
  if (text === undefined) return null;
  const v = parseMinor(text);
  if (!v) throw new Error(`rules/data/api-versions.yaml: ${row.apiVersion} ${field} "${text}" is not a Kubernetes minor`);
  return v;
}

function expand(row: ApiVersionRow): ApiLifecycle[] {
  const { group, version } = splitApiVersion(row.apiVersion);
  const since = minor(row.replacementSince, row, 'replacementSince');
  if (row.replacement && !since) throw new Error(`rules/data/api-versions.yaml: ${row.apiVersion} has a replacement without replacementSince`);
  return row.kinds.map((kind) => ({
    apiVersion: row.apiVersion,
    group,
    version,
    kind,
    deprecatedIn: minor(row.deprecatedIn, row, 'deprecatedIn'),
    removedIn: minor(row.removedIn, row, 'removedIn'),
    replacement: row.replacement && since ? { apiVersion: row.replacement, kind: row.replacementKind ?? kind, since } : null,
    ...(row.changes ? { changes: row.changes.trim() } : {}),
    ...(row.instead ? { instead: row.instead.trim() } : {}),
    ...(row.note ? { note: row.note.trim() } : {}),
  }));
}

/** Every kind of every apiVersion the table knows, in table order. */
export const apiLifecycles: ApiLifecycle[] = apiVersionTable.apis.flatMap(expand);

const key = (apiVersion: string, kind: string): string => `${apiVersion}\u0000${kind}`;
const byKind = new Map(apiLifecycles.map((l) => [key(l.apiVersion, l.kind), l]));

/** The lifecycle of `kind` at `apiVersion`, when the table lists it (undefined: served, not deprecated, or not built in). */
export function lifecycleOf(apiVersion: string, kind: string): ApiLifecycle | undefined {
  return byKind.get(key(apiVersion, kind));
}

/**
 * The resource name of a kind, as the API server pluralises it (gengo's
 * namer, used for every built-in type): `Ingress` → `ingresses`,
 * `PodSecurityPolicy` → `podsecuritypolicies`, `Endpoints` stays `endpoints`.
 */
export function resourceOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower === 'endpoints') return lower;
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

const byResource = new Map(apiLifecycles.map((l) => [key(l.apiVersion, resourceOf(l.kind)), l]));

/** The lifecycle of a resource (`batch`, `v1beta1`, `cronjobs`), as the apiserver's metrics name it. */
export function lifecycleOfResource(group: string, version: string, resource: string): ApiLifecycle | undefined {
  return byResource.get(key(group ? `${group}/${version}` : version, resource));
}

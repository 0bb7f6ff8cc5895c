import type { EncryptionKeyCount, KubernetesView, ResourceCount, ValueEncodings } from './types.js';

/**
 * How the apiserver stores objects (k8s.io/apiserver storage/etcd3 and
 * storage/value/encrypt): keys `/registry/<resource>/<namespace>/<name>` or
 * `/registry/<resource>/<name>` for cluster-scoped ones (nodes are
 * `/registry/minions/<name>`), custom resources under `/registry/<group>/<resource>/...`.
 * Values start `k8s\0` (protobuf), `k8s:enc:<provider>:<version>:<key>:`
 * (encrypted at rest, https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/),
 * or are JSON (custom resources).
 */
const REGISTRY_PREFIX = '/registry/';

type ValueEncoding = keyof ValueEncodings;

/** What the view keeps about a live key's latest value. */
export interface LiveValue {
  encoding: ValueEncoding;
  /** `provider:version:keyName` when encrypted. */
  encryptionKey?: string;
}

const PROTOBUF_PREFIX = Buffer.from('k8s\0', 'latin1');
const ENCRYPTED_PREFIX = Buffer.from('k8s:enc:', 'latin1');

export function classifyValue(value: Buffer): LiveValue {
  if (startsWith(value, ENCRYPTED_PREFIX)) {
    const head = value.subarray(0, 256).toString('latin1').split(':');
    // ['k8s', 'enc', provider, version, keyName, ...ciphertext]
    const [, , provider, version, keyName] = head;
    return provider && version && keyName !== undefined && head.length > 5
      ? { encoding: 'encrypted', encryptionKey: `${provider}:${version}:${keyName}` }
      : { encoding: 'encrypted' };
  }
  if (startsWith(value, PROTOBUF_PREFIX)) return { encoding: 'protobuf' };
  for (const b of value.subarray(0, 64)) {
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) continue;
    return { encoding: b === 0x7b || b === 0x5b ? 'json' : 'other' };
  }
  return { encoding: 'other' };
}

export interface RegistryKey {
  resource: string;
  /** Absent for cluster-scoped objects. */
  namespace?: string;
  name: string;
}

/** Splits a `/registry/...` key; null for keys outside `/registry/`. */
export function parseRegistryKey(key: string): RegistryKey | null {
  if (!key.startsWith(REGISTRY_PREFIX)) return null;
  const parts = key.slice(REGISTRY_PREFIX.length).split('/');
  let resourceParts = 1;
  // API groups contain a dot (apps is stored without its group, CRDs with it);
  // Services are kept under services/specs and their allocations under services/endpoints.
  if (parts[0]?.includes('.') || (parts[0] === 'services' && (parts[1] === 'specs' || parts[1] === 'endpoints'))) {
    resourceParts = 2;
  }
  const resource = parts.slice(0, resourceParts).join('/');
  const rest = parts.slice(resourceParts);
  if (!resource || rest.length === 0) return { resource: resource || '(none)', name: '' };
  if (rest.length === 1) return { resource, name: rest[0]! };
  return { resource, namespace: rest[0]!, name: rest.slice(1).join('/') };
}

/** Builds the view from live keys: etcd key (latin1 string) to its latest value. */
export function buildKubernetesView(live: ReadonlyMap<string, LiveValue>): KubernetesView {
  const resources = new Map<string, ResourceCount>();
  const values: ValueEncodings = { protobuf: 0, encrypted: 0, json: 0, other: 0 };
  const encryption = new Map<string, number>();
  const namespaces: string[] = [];
  const nodes: string[] = [];
  let liveKeys = 0;
  let unencryptedSecrets = 0;
  for (const [rawKey, value] of live) {
    if (!rawKey.startsWith(REGISTRY_PREFIX)) continue;
    const parsed = parseRegistryKey(Buffer.from(rawKey, 'latin1').toString('utf8'));
    if (!parsed) continue;
    liveKeys++;
    let count = resources.get(parsed.resource);
    if (!count) {
      count = { resource: parsed.resource, total: 0, clusterScoped: 0, byNamespace: {} };
      resources.set(parsed.resource, count);
    }
    count.total++;
    if (parsed.namespace === undefined) count.clusterScoped++;
    else count.byNamespace[parsed.namespace] = (count.byNamespace[parsed.namespace] ?? 0) + 1;
    values[value.encoding]++;
    if (value.encryptionKey) encryption.set(value.encryptionKey, (encryption.get(value.encryptionKey) ?? 0) + 1);
    if (parsed.resource === 'secrets' && value.encoding !== 'encrypted') unencryptedSecrets++;
    if (parsed.resource === 'namespaces' && parsed.namespace === undefined) namespaces.push(parsed.name);
    if (parsed.resource === 'minions' && parsed.namespace === undefined) nodes.push(parsed.name);
  }
  const encryptionKeys: EncryptionKeyCount[] = [...encryption]
    .map(([id, n]) => {
      const [provider = '', version = '', ...name] = id.split(':');
      return { provider, version, keyName: name.join(':'), count: n };
    })
    .sort((a, b) => b.count - a.count || a.provider.localeCompare(b.provider) || a.keyName.localeCompare(b.keyName));
  return {
    liveKeys,
    resources: [...resources.values()].sort((a, b) => a.resource.localeCompare(b.resource)),
    values,
    encryptionKeys,
    unencryptedSecrets,
    namespaces: namespaces.sort(),
    nodes: nodes.sort(),
  };
}

function startsWith(value: Buffer, prefix: Buffer): boolean {
  return value.length >= prefix.length && value.subarray(0, prefix.length).equals(prefix);
}

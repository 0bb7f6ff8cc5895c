import { parseQuantity } from './quantity.js';

/**
 * Every field the model reads, with the JSON type the Kubernetes API gives
 * it (https://kubernetes.io/docs/reference/kubernetes-api/). An object is
 * checked against its kind's shape once, where it enters the model, and
 * only what a shape names is kept: a reader never meets a field of the
 * wrong type, and a field no shape names is never read.
 *
 * null is read as Go's encoding/json reads it into the API's types
 * (https://pkg.go.dev/encoding/json#Unmarshal): a field set to null is
 * unset, and a null in a list or as a map value is that type's zero value
 * (`annotations: {a: null}` is the annotation a with value "").
 */
export type Shape =
  | 'string'
  | 'boolean'
  | 'integer'
  /** resource.Quantity: a number, or a string such as `500m` or `2Gi`. */
  | 'quantity'
  /** intstr.IntOrString as PDBs use it: a whole number, or a string such as `50%`. */
  | 'int-or-percent'
  | { readonly map: 'string' | 'quantity' }
  | { readonly list: Shape }
  | { readonly fields: Readonly<Record<string, Shape>> };

const str = 'string' as const;
const STRING_MAP: Shape = { map: 'string' };
const QUANTITY_MAP: Shape = { map: 'quantity' };
/** An object whose presence counts (a volume's `emptyDir: {}`), not its fields. */
const PRESENT: Shape = { fields: {} };

const OWNER_REFERENCE: Shape = { fields: { apiVersion: str, kind: str, name: str, uid: str, controller: 'boolean' } };

export const METADATA: Shape = {
  fields: {
    name: str,
    namespace: str,
    uid: str,
    labels: STRING_MAP,
    annotations: STRING_MAP,
    ownerReferences: { list: OWNER_REFERENCE },
    deletionTimestamp: str,
    generation: 'integer',
    finalizers: { list: str },
  },
};

const REQUIREMENT: Shape = { fields: { key: str, operator: str, values: { list: str } } };
const LABEL_SELECTOR: Shape = { fields: { matchLabels: STRING_MAP, matchExpressions: { list: REQUIREMENT } } };

const POD_AFFINITY_TERM: Shape = { fields: { labelSelector: LABEL_SELECTOR, namespaces: { list: str }, namespaceSelector: LABEL_SELECTOR, topologyKey: str } };

const CONTAINER: Shape = {
  fields: {
    name: str,
    image: str,
    command: { list: str },
    args: { list: str },
    workingDir: str,
    env: { list: { fields: { name: str, value: str } } },
    volumeMounts: { list: { fields: { name: str, mountPath: str, subPath: str, readOnly: 'boolean' } } },
    resources: { fields: { limits: QUANTITY_MAP, requests: QUANTITY_MAP } },
    ports: { list: { fields: { hostPort: 'integer' } } },
    restartPolicy: str,
  },
};

const VOLUME: Shape = {
  fields: {
    name: str,
    emptyDir: PRESENT,
    hostPath: { fields: { path: str, type: str } },
    persistentVolumeClaim: { fields: { claimName: str } },
    ephemeral: PRESENT,
    configMap: PRESENT,
    secret: PRESENT,
    projected: PRESENT,
  },
};

const CONDITIONS: Shape = { list: { fields: { type: str, status: str } } };

const POD_SPEC: Shape = {
  fields: {
    nodeName: str,
    containers: { list: CONTAINER },
    initContainers: { list: CONTAINER },
    volumes: { list: VOLUME },
    tolerations: { list: { fields: { key: str, operator: str, value: str, effect: str } } },
    nodeSelector: STRING_MAP,
    affinity: {
      fields: {
        nodeAffinity: {
          fields: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              fields: { nodeSelectorTerms: { list: { fields: { matchExpressions: { list: REQUIREMENT }, matchFields: { list: REQUIREMENT } } } } },
            },
          },
        },
        podAffinity: { fields: { requiredDuringSchedulingIgnoredDuringExecution: { list: POD_AFFINITY_TERM } } },
        podAntiAffinity: { fields: { requiredDuringSchedulingIgnoredDuringExecution: { list: POD_AFFINITY_TERM } } },
      },
    },
    topologySpreadConstraints: {
      list: {
        fields: {
          maxSkew: 'integer',
          topologyKey: str,
          whenUnsatisfiable: str,
          labelSelector: LABEL_SELECTOR,
          minDomains: 'integer',
          nodeAffinityPolicy: str,
          nodeTaintsPolicy: str,
          matchLabelKeys: { list: str },
        },
      },
    },
    overhead: QUANTITY_MAP,
    terminationGracePeriodSeconds: 'integer',
  },
};

export const POD: Shape = {
  fields: { metadata: METADATA, spec: POD_SPEC, status: { fields: { phase: str, conditions: CONDITIONS } } },
};

export const NODE: Shape = {
  fields: {
    metadata: METADATA,
    spec: { fields: { unschedulable: 'boolean', taints: { list: { fields: { key: str, value: str, effect: str } } } } },
    status: {
      fields: {
        nodeInfo: { fields: { kubeletVersion: str, kubeProxyVersion: str } },
        allocatable: QUANTITY_MAP,
        conditions: CONDITIONS,
      },
    },
  },
};

/** Workloads: only their pod template's labels are read, to match PDB selectors. */
const POD_TEMPLATE: Shape = { fields: { metadata: { fields: { labels: STRING_MAP } } } };

export function workloadShape(kind: string): Shape {
  const spec: Record<string, Shape> = {
    replicas: 'integer',
    // A ReplicationController's selector is a plain label map.
    selector: kind === 'ReplicationController' ? STRING_MAP : LABEL_SELECTOR,
  };
  if (kind === 'CronJob') spec.jobTemplate = { fields: { spec: { fields: { template: POD_TEMPLATE } } } };
  else spec.template = POD_TEMPLATE;
  return { fields: { metadata: METADATA, spec: { fields: spec } } };
}

export const PDB: Shape = {
  fields: {
    metadata: METADATA,
    spec: { fields: { selector: LABEL_SELECTOR, minAvailable: 'int-or-percent', maxUnavailable: 'int-or-percent', unhealthyPodEvictionPolicy: str } },
    status: { fields: { disruptionsAllowed: 'integer', currentHealthy: 'integer', desiredHealthy: 'integer', observedGeneration: 'integer' } },
  },
};

export const KUBEADM_CONFIG_MAP: Shape = { fields: { metadata: METADATA, data: { fields: { ClusterConfiguration: str } } } };

/** kubeadm's etcd.external (kubeadm.k8s.io/v1beta3 and v1beta4 ExternalEtcd): the etcd outside kubeadm's care and the client files to reach it. */
const EXTERNAL_ETCD: Shape = { fields: { endpoints: { list: str }, caFile: str, certFile: str, keyFile: str } };
export const CLUSTER_CONFIGURATION: Shape = {
  fields: {
    metadata: METADATA,
    kubernetesVersion: str,
    etcd: { fields: { external: EXTERNAL_ETCD } },
    // What kubeadm puts in the kube-apiserver's serving certificate (pkiutil.GetAPIServerAltNames).
    controlPlaneEndpoint: str,
    networking: { fields: { dnsDomain: str, serviceSubnet: str } },
    apiServer: { fields: { certSANs: { list: str } } },
  },
};

/** Any other object: what every object is read for (its name, its annotations). */
export const OTHER: Shape = { fields: { metadata: METADATA } };

/** Where in an object a value is, as kubectl's errors write it: `spec.containers[0].image`, `metadata.labels["app.kubernetes.io/name"]`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return value.length <= 40 ? `the string ${JSON.stringify(value)}` : `a string of ${value.length} characters`;
  // Not the number itself: YAML reads `1.0` as 1, which the file does not show.
  if (typeof value === 'number') return 'a number';
  return String(value);
}

function expected(shape: Shape): string {
  if (typeof shape === 'string') {
    switch (shape) {
      case 'string':
        return 'a string';
      case 'boolean':
        return 'true or false';
      case 'integer':
        return 'a whole number';
      case 'quantity':
        return 'a quantity (such as 500m or 2Gi)';
      case 'int-or-percent':
        return 'a whole number or a percentage (such as 50%)';
    }
  }
  if ('map' in shape) return shape.map === 'string' ? 'a mapping of strings' : 'a mapping of quantities';
  if ('list' in shape) return 'a list';
  return 'a mapping';
}

/** A value of the wrong type, where it is and what it should be. */
export class WrongShape extends Error {
  readonly path: readonly (string | number)[];
  constructor(path: readonly (string | number)[], value: unknown, shape: Shape) {
    super(`${formatPath(path)} is ${describeValue(value)}, not ${expected(shape)}`);
    this.path = [...path];
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function zero(shape: Shape): unknown {
  if (typeof shape === 'string') return shape === 'string' ? '' : shape === 'boolean' ? false : 0;
  if ('list' in shape) return [];
  return {};
}

const INT_OR_PERCENT = /^\d+%?$/;

/** Sets a key as an own property, `__proto__` included (JSON.parse makes it one). */
function put(into: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true });
  else into[key] = value;
}

function leaf(value: unknown, shape: Exclude<Shape, object>, path: (string | number)[]): unknown {
  switch (shape) {
    case 'string':
      if (typeof value === 'string') return value;
      break;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      break;
    case 'integer':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
      break;
    case 'quantity':
      if ((typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && parseQuantity(value) !== null)) return value;
      break;
    case 'int-or-percent':
      if ((typeof value === 'number' && Number.isSafeInteger(value)) || (typeof value === 'string' && INT_OR_PERCENT.test(value))) return value;
      break;
  }
  throw new WrongShape(path, value, shape);
}

/**
 * The value with only what the shape names, each part of the type the
 * shape says; throws WrongShape at the first part that is not.
 */
export function project(value: unknown, shape: Shape, path: (string | number)[] = []): unknown {
  // One path, pushed and popped as the walk goes (a throw copies it): an object costs no array per field.
  const at = [...path];
  return walk(value, shape, at);
}

function walk(value: unknown, shape: Shape, path: (string | number)[]): unknown {
  if (typeof shape === 'string') return leaf(value, shape, path);
  if ('list' in shape) {
    if (!Array.isArray(value)) throw new WrongShape(path, value, shape);
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      path.push(i);
      out[i] = item === null ? zero(shape.list) : walk(item, shape.list, path);
      path.pop();
    }
    return out;
  }
  if (!isRecord(value)) throw new WrongShape(path, value, shape);
  const out: Record<string, unknown> = {};
  if ('map' in shape) {
    for (const key of Object.keys(value)) {
      const item = value[key];
      path.push(key);
      put(out, key, item === null ? zero(shape.map) : leaf(item, shape.map, path));
      path.pop();
    }
    return out;
  }
  for (const key in shape.fields) {
    if (!Object.hasOwn(value, key)) continue;
    const item = value[key];
    if (item === null || item === undefined) continue;
    path.push(key);
    put(out, key, walk(item, shape.fields[key]!, path));
    path.pop();
  }
  return out;
}

/**
 * A tree of manifest files as a platform repository holds them,
 * deterministic for a seed: teams/<team>/<app>/ folders of YAML files (one
 * to four documents each, `---` between them) and some JSON files (one
 * object, or a `List`). Most objects use current API versions; about one in
 * five uses a version that Kubernetes has deprecated or removed and that both
 * kcheck's table (rules/data/api-versions.yaml) and Pluto's versions.yaml
 * list: extensions/v1beta1 and networking.k8s.io/v1beta1 Ingress,
 * policy/v1beta1 PodSecurityPolicy and PodDisruptionBudget, batch/v1beta1
 * CronJob, autoscaling/v2beta1 and v2beta2 HorizontalPodAutoscaler,
 * flowcontrol.apiserver.k8s.io/v1beta2 and v1beta3, rbac v1beta1,
 * storage.k8s.io/v1beta1 CSIStorageCapacity. Files average about 4 KB
 * (Deployments with a few containers and env, ConfigMaps with a config file).
 *
 *   npm run build && node build/test/bench/generate/manifest-tree.js --out DIR [--files 10000] [--seed 1]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { Rng } from '../../fuzz/prng.js';

type Obj = Record<string, unknown>;

export interface TreeShape {
  files: number;
  seed: number;
}

export interface TreeStats {
  files: number;
  documents: number;
  bytes: number;
}

/** Files per app folder and app folders per team: 10,000 files make 50 teams of 20 apps. */
const FILES_PER_APP = 10;
const APPS_PER_TEAM = 20;

const word = (rng: Rng): string => rng.pick(['api', 'web', 'cart', 'search', 'auth', 'billing', 'queue', 'cache', 'report', 'media', 'mail', 'edge']);

function meta(name: string, namespace: string | undefined, labels: Record<string, string>): Obj {
  return { name, ...(namespace ? { namespace } : {}), labels };
}

function container(rng: Rng, name: string, i: number): Obj {
  const env = Array.from({ length: rng.range(10, 26) }, (_, e) => ({ name: `${name.toUpperCase().replace(/-/g, '_')}_SETTING_${e}`, value: `value-${rng.next().toString(36)}` }));
  return {
    name: i === 0 ? name : `${name}-sidecar-${i}`,
    image: `registry.example.com/${name}:${rng.range(1, 9)}.${rng.range(0, 30)}.${rng.range(0, 9)}`,
    ports: [{ name: 'http', containerPort: 8080 + i, protocol: 'TCP' }],
    env,
    resources: { requests: { cpu: `${rng.range(1, 10) * 50}m`, memory: `${rng.range(1, 16) * 64}Mi` }, limits: { memory: `${rng.range(2, 32) * 64}Mi` } },
    readinessProbe: { httpGet: { path: '/healthz', port: 8080 + i }, periodSeconds: 10 },
    volumeMounts: [{ name: 'config', mountPath: '/etc/app' }],
  };
}

function podTemplate(rng: Rng, name: string, labels: Record<string, string>): Obj {
  return {
    metadata: { labels },
    spec: {
      serviceAccountName: name,
      containers: Array.from({ length: rng.range(1, 3) }, (_, i) => container(rng, name, i)),
      volumes: [{ name: 'config', configMap: { name: `${name}-config` } }],
    },
  };
}

function workload(rng: Rng, name: string, ns: string, labels: Record<string, string>): Obj {
  const apiVersion = rng.weighted([
    [30, 'apps/v1'],
    [1, 'extensions/v1beta1'],
    [1, 'apps/v1beta2'],
  ] as const);
  const kind = apiVersion === 'apps/v1' ? rng.weighted([[8, 'Deployment'], [1, 'StatefulSet'], [1, 'DaemonSet']] as const) : rng.pick(['Deployment', 'DaemonSet']);
  const spec: Obj = { selector: { matchLabels: labels }, template: podTemplate(rng, name, labels) };
  if (kind !== 'DaemonSet') spec.replicas = rng.range(1, 6);
  if (kind === 'StatefulSet') spec.serviceName = name;
  return { apiVersion, kind, metadata: meta(name, ns, labels), spec };
}

function configMap(rng: Rng, name: string, ns: string, labels: Record<string, string>): Obj {
  const lines = Array.from({ length: rng.range(30, 90) }, (_, i) => `key_${i} = ${rng.next().toString(36)}${rng.next().toString(36)}`);
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(`${name}-config`, ns, labels), data: { 'app.conf': `${lines.join('\n')}\n`, mode: rng.pick(['production', 'staging']) } };
}

function service(name: string, ns: string, labels: Record<string, string>): Obj {
  return { apiVersion: 'v1', kind: 'Service', metadata: meta(name, ns, labels), spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } };
}

function ingress(rng: Rng, name: string, ns: string, labels: Record<string, string>): Obj {
  const apiVersion = rng.weighted([[6, 'networking.k8s.io/v1'], [2, 'extensions/v1beta1'], [1, 'networking.k8s.io/v1beta1']] as const);
  const host = `${name}.${ns}.example.com`;
  const spec =
    apiVersion === 'networking.k8s.io/v1'
      ? { rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port: { number: 80 } } } }] } }] }
      : { rules: [{ host, http: { paths: [{ path: '/', backend: { serviceName: name, servicePort: 80 } }] } }] };
  return { apiVersion, kind: 'Ingress', metadata: meta(name, ns, labels), spec };
}

function pdb(rng: Rng, name: string, ns: string, labels: Record<string, string>): Obj {
  return { apiVersion: rng.chance(0.4) ? 'policy/v1beta1' : 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta(name, ns, labels), spec: { minAvailable: 1, selector: { matchLabels: labels } } };
}

function hpa(rng: Rng, name: string, ns: string, labels: Record<string, string>): Obj {
  const apiVersion = rng.weighted([[3, 'autoscaling/v2'], [2, 'autoscaling/v2beta2'], [1, 'autoscaling/v2beta1']] as const);
  const metric =
    apiVersion === 'autoscaling/v2beta1'
      ? { type: 'Resource', resource: { name: 'cpu', targetAverageUtilization: 70 } }
      : { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } };
  return {
    apiVersion,
    kind: 'HorizontalPodAutoscaler',
    metadata: meta(name, ns, labels),
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name }, minReplicas: 1, maxReplicas: rng.range(3, 20), metrics: [metric] },
  };
}

function cronJob(rng: Rng, name: string, ns: string, labels: Record<string, string>): Obj {
  return {
    apiVersion: rng.chance(0.5) ? 'batch/v1beta1' : 'batch/v1',
    kind: 'CronJob',
    metadata: meta(`${name}-cleanup`, ns, labels),
    spec: { schedule: `${rng.int(60)} ${rng.int(24)} * * *`, jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [container(rng, `${name}-cleanup`, 0)] } } } } },
  };
}

/** Cluster-scoped objects a platform team keeps: PSPs, API priority and fairness, RBAC, storage capacity. */
function platform(rng: Rng, name: string, labels: Record<string, string>): Obj {
  switch (rng.int(5)) {
    case 0:
      return { apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: meta(`${name}-restricted`, undefined, labels), spec: { privileged: false, runAsUser: { rule: 'MustRunAsNonRoot' }, seLinux: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' }, volumes: ['configMap', 'secret', 'emptyDir'] } };
    case 1: {
      const apiVersion = rng.pick(['flowcontrol.apiserver.k8s.io/v1', 'flowcontrol.apiserver.k8s.io/v1beta2', 'flowcontrol.apiserver.k8s.io/v1beta3']);
      return { apiVersion, kind: 'FlowSchema', metadata: meta(`${name}-fs`, undefined, labels), spec: { priorityLevelConfiguration: { name: `${name}-plc` }, matchingPrecedence: rng.range(1000, 9000), rules: [{ subjects: [{ kind: 'ServiceAccount', serviceAccount: { name, namespace: 'default' } }], resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], namespaces: ['*'] }] }] } };
    }
    case 2: {
      const apiVersion = rng.pick(['flowcontrol.apiserver.k8s.io/v1', 'flowcontrol.apiserver.k8s.io/v1beta2', 'flowcontrol.apiserver.k8s.io/v1beta3']);
      return { apiVersion, kind: 'PriorityLevelConfiguration', metadata: meta(`${name}-plc`, undefined, labels), spec: { type: 'Limited', limited: { nominalConcurrencyShares: 10, limitResponse: { type: 'Reject' } } } };
    }
    case 3:
      return { apiVersion: rng.pick(['rbac.authorization.k8s.io/v1', 'rbac.authorization.k8s.io/v1beta1']), kind: 'ClusterRole', metadata: meta(`${name}-reader`, undefined, labels), rules: [{ apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list', 'watch'] }] };
    default:
      return { apiVersion: rng.pick(['storage.k8s.io/v1', 'storage.k8s.io/v1beta1']), kind: 'CSIStorageCapacity', metadata: meta(`${name}-capacity`, 'kube-system', labels), storageClassName: 'fast', capacity: `${rng.range(1, 100)}Gi` };
  }
}

/** The documents of one file: a workload with its companions, or one or two other objects. */
function documents(rng: Rng, name: string, ns: string): Obj[] {
  const labels = { app: name, team: ns };
  switch (rng.int(8)) {
    case 0:
    case 1:
    case 2:
      return [workload(rng, name, ns, labels), ...(rng.chance(0.7) ? [service(name, ns, labels)] : []), ...(rng.chance(0.3) ? [pdb(rng, name, ns, labels)] : []), ...(rng.chance(0.3) ? [hpa(rng, name, ns, labels)] : [])];
    case 3:
      return [configMap(rng, name, ns, labels), ...(rng.chance(0.5) ? [configMap(rng, `${name}-extra`, ns, labels)] : [])];
    case 4:
      return [ingress(rng, name, ns, labels), service(name, ns, labels)];
    case 5:
      return [cronJob(rng, name, ns, labels), configMap(rng, `${name}-cleanup`, ns, labels)];
    case 6:
      return [platform(rng, name, labels), ...(rng.chance(0.5) ? [platform(rng, `${name}-b`, labels)] : [])];
    default:
      return [workload(rng, name, ns, labels), configMap(rng, name, ns, labels), pdb(rng, name, ns, labels)];
  }
}

/** One file's name (relative to the tree) and text. */
export function* manifestFiles(shape: TreeShape): Generator<{ path: string; text: string; documents: number }> {
  const rng = new Rng(shape.seed);
  for (let i = 0; i < shape.files; i++) {
    const app = Math.floor(i / FILES_PER_APP);
    const team = `team-${String(Math.floor(app / APPS_PER_TEAM)).padStart(3, '0')}`;
    const folder = `teams/${team}/app-${String(app % APPS_PER_TEAM).padStart(2, '0')}`;
    const one = rng.fork(i);
    const name = `${word(one)}-${i.toString(36)}`;
    const docs = documents(one, name, team);
    const json = one.int(10) === 0;
    if (!json) {
      // A schedule is quoted in manifests as people write them (`schedule: "*/5 * * * *"`); `yaml` would leave it plain.
      const text = docs.map((doc) => stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n').replace(/^( *schedule: )(.*)$/gm, '$1"$2"');
      yield { path: `${folder}/${name}.yaml`, text, documents: docs.length };
    } else if (docs.length === 1) {
      yield { path: `${folder}/${name}.json`, text: `${JSON.stringify(docs[0], null, 2)}\n`, documents: 1 };
    } else {
      const list = { apiVersion: 'v1', kind: 'List', items: docs, metadata: { resourceVersion: '' } };
      yield { path: `${folder}/${name}.json`, text: `${JSON.stringify(list, null, 2)}\n`, documents: docs.length };
    }
  }
}

/** Writes the tree under `dir` (which should be empty). */
export async function writeManifestTree(dir: string, shape: TreeShape): Promise<TreeStats> {
  const stats: TreeStats = { files: 0, documents: 0, bytes: 0 };
  const made = new Set<string>();
  for (const file of manifestFiles(shape)) {
    const path = join(dir, file.path);
    const folder = path.slice(0, path.lastIndexOf('/'));
    if (!made.has(folder)) {
      await mkdir(folder, { recursive: true });
      made.add(folder);
    }
    await writeFile(path, file.text);
    stats.files += 1;
    stats.documents += file.documents;
    stats.bytes += Buffer.byteLength(file.text);
  }
  return stats;
}

function flag(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : (process.argv[at + 1] ?? fallback);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = flag('--out', 'manifest-tree');
  const stats = await writeManifestTree(out, { files: Number(flag('--files', '10000')), seed: Number(flag('--seed', '1')) });
  console.log(`wrote ${out}: ${stats.files} files, ${stats.documents} documents, ${(stats.bytes / 1024 / 1024).toFixed(1)} MB`);
}

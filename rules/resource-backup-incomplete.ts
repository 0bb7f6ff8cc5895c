import { defineRule } from '../src/engine/define-rule.js';
import type { Report } from '../src/engine/types.js';
import type { ClusterModel, ResourceDump } from '../src/model/types.js';
import { kindName, RESTORE_NEEDS } from '../src/model/resource-dumps.js';
import { FULL_DUMP_COMMAND } from './shared/dumps.js';

/** Kinds a restore does not bring back from a dump: the cluster or its controllers make them again. */
const NOT_RESTORED = new Set([
  'Node',
  'Event',
  'events.k8s.io/Event',
  'Endpoints',
  'discovery.k8s.io/EndpointSlice',
  'coordination.k8s.io/Lease',
  'apps/ControllerRevision',
  'apiregistration.k8s.io/APIService',
  'Pod',
  'apps/ReplicaSet',
  'ComponentStatus',
]);

/** Another dump this close in time shows the same cluster. */
const SAME_CAPTURE_MS = 86_400_000;

type Counts = Record<string, Record<string, number>>;

function add(into: Counts, kind: string, namespace: string, n: number): void {
  const perNamespace = (into[kind] ??= {});
  perNamespace[namespace] = (perNamespace[namespace] ?? 0) + n;
}

function kindOf(apiVersion: string, kind: string): string {
  return apiVersion.includes('/') ? `${apiVersion.slice(0, apiVersion.indexOf('/'))}/${kind}` : kind;
}

/** A custom resource: its group has a dot and is not one of Kubernetes' own `*.k8s.io` groups. */
function isCustom(kind: string): boolean {
  const group = kind.includes('/') ? kind.slice(0, kind.lastIndexOf('/')) : '';
  return group.includes('.') && !group.endsWith('.k8s.io') && group !== 'velero.io';
}

/** What the scan's other inputs show of the cluster: the objects read (live or files) and other dumps of the same day. */
function reference(model: ClusterModel, dump: ResourceDump): { counts: Counts; from: string[] } {
  const counts: Counts = {};
  const from: string[] = [];
  for (const o of model.objects) add(counts, kindOf(o.apiVersion, o.kind), o.subject.ref?.namespace ?? '', 1);
  if (model.objects.length > 0) from.push(model.cluster ? `cluster ${model.cluster}` : 'the scanned input');
  for (const other of model.backups?.dumps ?? []) {
    if (other === dump || Math.abs(other.takenAt.getTime() - dump.takenAt.getTime()) > SAME_CAPTURE_MS) continue;
    for (const [kind, perNamespace] of Object.entries(other.counts)) for (const [ns, n] of Object.entries(perNamespace)) add(counts, kind, ns, n);
    from.push(other.file);
  }
  return { counts, from };
}

/** `NetworkPolicies`, `Ingresses`, `ConfigMaps`. */
function plural(kind: string): string {
  const name = kindName(kind);
  if (/(s|x|ch|sh)$/.test(name)) return `${name}es`;
  if (/[^aeiou]y$/.test(name)) return `${name.slice(0, -1)}ies`;
  return `${name}s`;
}

function count(n: number, kind: string): string {
  return n === 1 ? `1 ${kindName(kind)}` : `${n} ${plural(kind)}`;
}

function where(namespaces: string[]): string {
  const named = namespaces.filter(Boolean);
  if (named.length === 0) return '';
  return ` in ${named.length === 1 ? 'namespace' : 'namespaces'} ${named.slice(0, 3).join(', ')}${named.length > 3 ? ` and ${named.length - 3} more` : ''}`;
}

export default defineRule({
  id: 'resource-backup-incomplete',
  description:
    'A resource dump lacks what a restore needs: kinds `kubectl get all` never lists (ConfigMaps, Secrets, PersistentVolumeClaims, ServiceAccounts, RBAC, Ingresses, NetworkPolicies, CRDs), or kinds and namespaces the live cluster or a fuller dump holds.',
  category: 'backups',
  judges: 'cluster',
  severity: 'warning',
  needs: ['snapshots'],
  remediation: `Dump every kind, namespaced and cluster-scoped: ${FULL_DUMP_COMMAND} (the file then holds Secrets: store it like a credential).`,
  check(model) {
    const reports: Report[] = [];
    for (const dump of model.backups?.dumps ?? []) {
      const ref = reference(model, dump);
      const missing: string[] = [];
      const named = new Set<string>();
      for (const kind of Object.keys(ref.counts).sort()) {
        if (NOT_RESTORED.has(kind) || kind.startsWith('velero.io/')) continue;
        const gone = Object.entries(ref.counts[kind]!).filter(([ns]) => !(dump.counts[kind]?.[ns] ?? 0));
        if (gone.length === 0) continue;
        const n = gone.reduce((sum, [, c]) => sum + c, 0);
        missing.push(`${count(n, kind)}${where(gone.map(([ns]) => ns).sort())}`);
        named.add(kind);
      }
      const parts: string[] = [];
      if (missing.length > 0) parts.push(`it lacks ${missing.join(', ')} that ${ref.from.join(' and ')} ${ref.from.length === 1 ? 'holds' : 'hold'}`);
      const absent = dump.getAllOnly ? RESTORE_NEEDS.filter((k) => !named.has(k) && !dump.counts[k]) : [];
      if (absent.length > 0) parts.push(`it was made with kubectl get all, which never lists ${absent.map(plural).join(', ')}`);
      const custom = Object.keys(dump.counts).filter(isCustom);
      if (custom.length > 0 && !dump.counts['apiextensions.k8s.io/CustomResourceDefinition'] && !named.has('apiextensions.k8s.io/CustomResourceDefinition')) {
        parts.push(`it holds custom resources (${custom.map(kindName).join(', ')}) but not their CustomResourceDefinitions, without which they cannot be restored`);
      }
      if (parts.length === 0) continue;
      reports.push({ subject: dump.subject, message: `${dump.file} is not enough to restore from: ${parts.join('; ')}` });
    }
    return reports;
  },
});

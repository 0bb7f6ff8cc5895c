import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { KUBEADM_CONFIG, LISTED_RESOURCES, VELERO_RESOURCES } from '../../../src/sources/live/resources.js';

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
  verbs: string[];
}
interface Doc {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: Rule[];
  roleRef?: { kind: string; name: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
}

const docs = parseAllDocuments(readFileSync(new URL('../../../deploy/rbac.yaml', import.meta.url), 'utf8')).map((d) => d.toJS() as Doc);

/** Every (verb, group, resource[, name]) a set of rules grants. */
function grants(rules: Rule[]): string[] {
  return rules
    .flatMap((r) =>
      r.nonResourceURLs
        ? r.nonResourceURLs.flatMap((u) => r.verbs.map((v) => `${v} ${u}`))
        : (r.apiGroups ?? []).flatMap((g) =>
            (r.resources ?? []).flatMap((res) => r.verbs.map((v) => `${v} ${g || 'core'}/${res}${r.resourceNames ? `/${r.resourceNames.join(',')}` : ''}`)),
          ),
    )
    .sort();
}

describe('deploy/rbac.yaml', () => {
  test('the ClusterRole grants list on exactly the resources the live source lists (Velero\'s too), and GET /version and /metrics', () => {
    const role = docs.find((d) => d.kind === 'ClusterRole');
    const expected = [...LISTED_RESOURCES, ...VELERO_RESOURCES].map((r) => `list ${r.group || 'core'}/${r.resource}`).concat('get /version', 'get /metrics').sort();
    expect(grants(role?.rules ?? [])).toEqual(expected);
  });

  test('the kube-system Role grants get on the kubeadm-config ConfigMap only', () => {
    const role = docs.find((d) => d.kind === 'Role');
    expect(role?.metadata.namespace).toBe(KUBEADM_CONFIG.namespace);
    expect(grants(role?.rules ?? [])).toEqual([`get core/configmaps/${KUBEADM_CONFIG.name}`]);
  });

  test('nothing grants Secrets, a wildcard or a verb other than get and list', () => {
    const rules = docs.flatMap((d) => d.rules ?? []);
    expect(rules.flatMap((r) => r.verbs).every((v) => v === 'get' || v === 'list')).toBe(true);
    expect(rules.flatMap((r) => [...(r.resources ?? []), ...(r.apiGroups ?? []), ...(r.verbs ?? [])]).filter((x) => x === '*' || x === 'secrets')).toEqual([]);
  });

  test('both roles are bound to the kcheck service account', () => {
    const bindings = docs.filter((d) => d.kind === 'ClusterRoleBinding' || d.kind === 'RoleBinding');
    expect(bindings.map((b) => `${b.kind} -> ${b.roleRef?.kind}/${b.roleRef?.name}`).sort()).toEqual([
      'ClusterRoleBinding -> ClusterRole/kcheck-reader',
      'RoleBinding -> Role/kcheck-kubeadm-config',
    ]);
    for (const b of bindings) expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: 'kcheck', namespace: 'kcheck' }]);
    expect(docs.find((d) => d.kind === 'ServiceAccount')?.metadata).toEqual({ name: 'kcheck', namespace: 'kcheck' });
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import type { PolicyReport } from '../../src/report/policyreport.js';
import { REPO_ROOT } from '../cluster/binaries.js';
import { useTestCluster } from '../cluster/use-cluster.js';
import { runKubectl, type KubectlRun } from '../cluster/kubectl-run.js';
import { CRDS_FILE, CRONJOB_FILE, RBAC_FILE, SERVICE_ACCOUNT, cronJob, manifests, objectKey, type Manifest } from '../deploy/manifests.js';
import { runCli } from '../helpers/run-cli.js';
import { kubeconfigWith, tempDir } from './helpers.js';

const cluster = useTestCluster();
const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function kubectl(args: string[], input?: string): KubectlRun {
  return runKubectl(cluster(), args, input);
}

function mustKubectl(args: string[], input?: string): string {
  const run = kubectl(args, input);
  expect(run.code, `kubectl ${args.join(' ')}: ${run.stderr}`).toBe(0);
  return run.stdout;
}

/** kubectl auth can-i as the kcheck ServiceAccount: exit 0 is yes, 1 is no. */
function serviceAccountCan(verb: string, resource: string, where: string[]): boolean {
  const run = kubectl(['auth', 'can-i', verb, resource, ...where, `--as=${SERVICE_ACCOUNT}`]);
  expect([0, 1], `can-i ${verb} ${resource}: ${run.stderr}`).toContain(run.code);
  return run.code === 0;
}

const yamlStream = (objects: unknown[]): string => objects.map((o) => `---\n${stringify(o)}`).join('');

// The CronJob and the Namespace are only dry-run here: the other live tests
// scan this cluster and compare reads, so nothing they list may change.
// ClusterRoles, CRDs and Policy Reports are not among what kcheck lists.
describe('deploy/: kcheck as a CronJob in the cluster', () => {
  beforeAll(() => {
    mustKubectl(['apply', '--server-side', '-f', CRDS_FILE]);
    mustKubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/policyreports.wgpolicyk8s.io', 'crd/clusterpolicyreports.wgpolicyk8s.io']);
    mustKubectl(['apply', '-f', RBAC_FILE]);
    const roles = manifests(CRONJOB_FILE).filter((m) => m.apiVersion.startsWith('rbac.authorization.k8s.io/'));
    expect(roles.map((r) => r.kind).sort()).toEqual(['ClusterRole', 'ClusterRoleBinding']);
    mustKubectl(['apply', '-f', '-'], yamlStream(roles));
  }, 180_000);

  test('the API server accepts every object of rbac.yaml and cronjob.yaml in a server-side dry run', () => {
    const out = mustKubectl(['apply', '--dry-run=server', '--validate=strict', '-f', RBAC_FILE, '-f', CRONJOB_FILE, '-o', 'json']);
    const answered = JSON.parse(out) as { kind: string; items?: Manifest[] };
    const accepted = answered.kind === 'List' ? answered.items! : [answered as unknown as Manifest];
    const shipped = [...manifests(RBAC_FILE), ...manifests(CRONJOB_FILE)];
    expect(accepted.map(objectKey).sort()).toEqual(shipped.map(objectKey).sort());

    // The server filled in its defaults, so it parsed the whole pod template.
    const job = accepted.find((m) => m.kind === 'CronJob') as unknown as ReturnType<typeof cronJob>;
    const pod = job.spec.jobTemplate.spec.template.spec;
    expect(pod.initContainers?.map((c) => c.name)).toEqual(['scan']);
    expect(pod.containers.map((c) => c.name)).toEqual(['apply']);
    expect(kubectl(['get', 'cronjob', 'kcheck', '-n', 'kcheck']).stderr).toMatch(/NotFound|not found/);
  });

  test('strict validation refuses a misspelt field, so the dry run checks every field name', () => {
    const job = cronJob();
    const pod = job.spec.jobTemplate.spec.template.spec;
    const typo = { ...job, spec: { ...job.spec, jobTemplate: { spec: { template: { spec: { ...pod, securityContext: { ...pod.securityContext, runAsNonroot: true } } } } } } };
    const run = kubectl(['apply', '--dry-run=server', '--validate=strict', '-f', '-'], stringify(typo));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/unknown field "spec\.jobTemplate\.spec\.template\.spec\.securityContext\.runAsNonroot"/);
  });

  test('the CronJob runs this package version of kcheck with pinned images, one run at a time', () => {
    const job = cronJob();
    expect(job.spec.concurrencyPolicy).toBe('Forbid');
    const pod = job.spec.jobTemplate.spec.template.spec;
    expect(pod.serviceAccountName).toBe('kcheck');
    const [scan] = pod.initContainers ?? [];
    expect(scan?.command?.slice(0, 4)).toEqual(['npx', '--yes', `kcheck@${VERSION}`, 'scan']);
    expect(scan?.command).toEqual(expect.arrayContaining(['--format', 'policyreport', '--fail-on', 'never']));
    for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
      expect(container.image, container.name).toMatch(/:v?\d+\.\d+\.\d+[^:]*$/);
      expect(container.securityContext, container.name).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    }
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
  });

  test('the ServiceAccount reads what kcheck reads, writes Policy Reports, and nothing else', () => {
    expect(serviceAccountCan('list', 'pods', ['-A'])).toBe(true);
    expect(serviceAccountCan('list', 'nodes', [])).toBe(true);
    expect(serviceAccountCan('get', 'configmaps/kubeadm-config', ['-n', 'kube-system'])).toBe(true);
    // What a drain's outcome depends on: volumes and claims, Services, webhooks, APIServices.
    for (const resource of ['persistentvolumes', 'persistentvolumeclaims', 'services', 'validatingwebhookconfigurations.admissionregistration.k8s.io', 'mutatingwebhookconfigurations.admissionregistration.k8s.io', 'apiservices.apiregistration.k8s.io']) {
      expect(serviceAccountCan('list', resource, ['-A']), resource).toBe(true);
      expect(serviceAccountCan('get', resource, ['-A']), `get ${resource}`).toBe(false);
      expect(serviceAccountCan('watch', resource, ['-A']), `watch ${resource}`).toBe(false);
    }
    expect(serviceAccountCan('create', 'policyreports.wgpolicyk8s.io', ['-n', 'shop'])).toBe(true);
    expect(serviceAccountCan('patch', 'policyreports.wgpolicyk8s.io', ['-n', 'kube-system'])).toBe(true);
    expect(serviceAccountCan('create', 'clusterpolicyreports.wgpolicyk8s.io', [])).toBe(true);
    expect(serviceAccountCan('update', 'clusterpolicyreports.wgpolicyk8s.io', [])).toBe(true);

    expect(serviceAccountCan('get', 'secrets', ['-A'])).toBe(false);
    expect(serviceAccountCan('list', 'secrets', ['-n', 'kcheck'])).toBe(false);
    expect(serviceAccountCan('get', 'configmaps', ['-n', 'kube-system'])).toBe(false);
    expect(serviceAccountCan('create', 'pods', ['-n', 'kcheck'])).toBe(false);
    expect(serviceAccountCan('patch', 'nodes', [])).toBe(false);
    expect(serviceAccountCan('create', 'cronjobs.batch', ['-n', 'kcheck'])).toBe(false);
    expect(serviceAccountCan('delete', 'policyreports.wgpolicyk8s.io', ['-n', 'shop'])).toBe(false);
    expect(serviceAccountCan('create', 'customresourcedefinitions.apiextensions.k8s.io', [])).toBe(false);
  });

  test("the Job's two steps, run as the ServiceAccount, store the cluster's findings as Policy Reports", () => {
    const c = cluster();
    const pod = cronJob().spec.jobTemplate.spec.template.spec;
    const [scan] = pod.initContainers ?? [];
    const [apply] = pod.containers;
    const shared = scan?.volumeMounts?.find((m) => apply?.volumeMounts?.some((a) => a.name === m.name && a.readOnly))?.mountPath;
    expect(shared, 'a volume the scan writes and kubectl only reads').toBe('/reports');
    // The pod's emptyDir becomes a temp folder here; everything else runs as written.
    const dir = tempDir('kcheck-cronjob-');
    const local = (args: string[]): string[] => args.map((a) => a.replaceAll(`${shared}/`, `${dir}/`));

    // The scan step: the read-only token, as the pod's ServiceAccount token would be.
    expect(scan?.command?.slice(0, 3)).toEqual(['npx', '--yes', `kcheck@${VERSION}`]);
    const kubeconfig = kubeconfigWith(c, 'in-cluster', c.tokens.reader);
    const scanned = runCli(local(scan!.command!.slice(3)), { env: { KUBECONFIG: kubeconfig }, cwd: dir });
    expect(scanned.code, scanned.stderr).toBe(0);
    const written = parseAllDocuments(readFileSync(join(dir, 'reports.yaml'), 'utf8')).map((d) => d.toJS() as PolicyReport);
    expect(written.filter((r) => r.kind === 'ClusterPolicyReport')).not.toHaveLength(0);
    expect(written.filter((r) => r.kind === 'PolicyReport')).not.toHaveLength(0);
    expect(written.reduce((n, r) => n + r.summary.fail, 0)).toBeGreaterThan(0);

    // The apply step, authorised as the ServiceAccount; twice, as the next hour's run would.
    expect(apply?.command?.[0]).toBe('kubectl');
    for (const run of [1, 2]) {
      const applied = kubectl([`--as=${SERVICE_ACCOUNT}`, ...local(apply!.command!.slice(1))]);
      expect(applied.code, `run ${run}: ${applied.stderr}`).toBe(0);
    }

    const stored = JSON.parse(mustKubectl(['get', 'policyreports,clusterpolicyreports', '-A', '-l', 'app.kubernetes.io/managed-by=kcheck', '--show-managed-fields', '-o', 'json'])) as {
      items: (PolicyReport & { metadata: { managedFields: { manager: string; operation: string }[] } })[];
    };
    expect(stored.items.map(objectKey).sort()).toEqual(written.map(objectKey).sort());
    for (const report of written) {
      const back = stored.items.find((r) => objectKey(r) === objectKey(report))!;
      expect(back.results).toEqual(report.results);
      expect(back.summary).toEqual(report.summary);
      expect(back.metadata.managedFields.map((f) => `${f.manager} ${f.operation}`)).toEqual(['kcheck Apply']);
    }
  });
});

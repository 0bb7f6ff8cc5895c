import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { startTestCluster, type TestCluster } from '../cluster/start.js';
import { CRONJOB_FILE, cronJob } from './manifests.js';

// The shared live cluster must not change under the other live tests, and
// this test labels the kcheck namespace: it starts a cluster of its own.
let cluster: TestCluster | undefined;

beforeAll(async () => {
  cluster = await startTestCluster();
});

afterAll(async () => {
  await cluster?.stop();
});

function kubectl(args: string[], input?: string): { code: number; stdout: string; stderr: string } {
  if (!cluster) throw new Error('the test cluster is not running (its start failed above)');
  const run = spawnSync(cluster.kubectl, ['--kubeconfig', cluster.kubeconfigPath, ...args], { encoding: 'utf8', input: input ?? '', timeout: 120_000 });
  return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

/** A Pod as the Job controller would make it from the CronJob's template. */
function podOf(spec: ReturnType<typeof cronJob>['spec']['jobTemplate']['spec']['template']['spec'], name: string): unknown {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'kcheck' }, spec };
}

// Pod Security Admission is built into kube-apiserver and reads the
// namespace's labels: "enforce" refuses pods, "warn" also checks the pod
// templates of workload resources such as CronJobs.
// https://kubernetes.io/docs/concepts/security/pod-security-admission/
describe('deploy/cronjob.yaml under the restricted Pod Security Standard', () => {
  beforeAll(() => {
    // startTestCluster applied deploy/rbac.yaml, which creates the namespace.
    const labelled = kubectl(['label', '--overwrite', 'namespace', 'kcheck', 'pod-security.kubernetes.io/enforce=restricted', 'pod-security.kubernetes.io/warn=restricted']);
    expect(labelled.code, labelled.stderr).toBe(0);
  });

  test('the CronJob is applied with no Pod Security warning', () => {
    const run = kubectl(['apply', '--dry-run=server', '-f', CRONJOB_FILE]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('cronjob.batch/kcheck created (server dry run)');
    expect(run.stderr).not.toMatch(/PodSecurity/);
  });

  test('a pod made from its template is admitted where restricted is enforced', () => {
    const spec = cronJob().spec.jobTemplate.spec.template.spec;
    const run = kubectl(['apply', '--dry-run=server', '-f', '-'], stringify(podOf(spec, 'kcheck-run')));
    expect(run.code, run.stderr).toBe(0);
  });

  test('without runAsNonRoot the CronJob is warned about and its pod refused, so the checks above are real', () => {
    const job = cronJob();
    const spec = job.spec.jobTemplate.spec.template.spec;
    const { runAsNonRoot: _dropped, ...securityContext } = spec.securityContext ?? {};
    const asRoot = { ...spec, securityContext };
    const pod = kubectl(['apply', '--dry-run=server', '-f', '-'], stringify(podOf(asRoot, 'kcheck-as-root')));
    expect(pod.code).not.toBe(0);
    expect(pod.stderr).toMatch(/violates PodSecurity "restricted:latest".*runAsNonRoot != true/);
    const warned = kubectl(['apply', '--dry-run=server', '-f', '-'], stringify({ ...job, spec: { ...job.spec, jobTemplate: { spec: { template: { spec: asRoot } } } } }));
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stderr).toMatch(/would violate PodSecurity "restricted:latest".*runAsNonRoot != true/);
  });
});

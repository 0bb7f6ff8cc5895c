import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { REPO_ROOT } from '../cluster/binaries.js';
import { runKubectl } from '../cluster/kubectl-run.js';
import { CONTEXTS, startTestCluster, type TestCluster } from '../cluster/start.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../live/helpers.js';

/**
 * Velero's real CRDs (fixtures/velero/crds, v1.18.1) on a real
 * kube-apiserver of its own (the shared one's reads are compared by other
 * suites), objects in each state created against them, read by kcheck live
 * as the kcheck ServiceAccount deploy/rbac.yaml binds; and resource dumps
 * made by the real kubectl from the same apiserver. The Backup,
 * BackupStorageLocation and Schedule CRDs declare no status subresource
 * (`subresources: {}` or none), so status is written with the object.
 */

const NOW = '2026-11-20T00:00:00Z';
const CRDS = join(REPO_ROOT, 'fixtures/velero/crds');
let cluster: TestCluster;

function kubectl(args: string[], input?: string): string {
  const run = runKubectl(cluster, args, input);
  expect(run.code, `kubectl ${args.join(' ')}: ${run.stderr}`).toBe(0);
  return run.stdout;
}

const yamlStream = (objects: unknown[]): string => objects.map((o) => `---\n${stringify(o)}`).join('');

const meta = (name: string, namespace = 'velero', labels?: Record<string, string>) => ({ name, namespace, ...(labels ? { labels } : {}) });

function schedule(name: string, spec: Record<string, unknown>) {
  return { apiVersion: 'velero.io/v1', kind: 'Schedule', metadata: meta(name), spec: { schedule: '0 3 * * *', template: { ttl: '720h0m0s' }, ...spec }, status: { phase: 'Enabled' } };
}

function backup(name: string, of: string | null, status: Record<string, unknown>) {
  return {
    apiVersion: 'velero.io/v1',
    kind: 'Backup',
    metadata: meta(name, 'velero', of ? { 'velero.io/schedule-name': of } : undefined),
    spec: { storageLocation: 'default', ttl: '720h0m0s' },
    status,
  };
}

function location(name: string, isDefault: boolean, phase: string, message?: string) {
  return {
    apiVersion: 'velero.io/v1',
    kind: 'BackupStorageLocation',
    metadata: meta(name),
    spec: { provider: 'aws', default: isDefault, objectStorage: { bucket: `bucket-${name}` } },
    status: { phase, lastValidationTime: '2026-11-19T23:59:00Z', ...(message ? { message } : {}) },
  };
}

function workloads(annotated: boolean) {
  const pod = (ns: string, name: string, claim: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: { app: name }, ...(annotated ? { annotations: { 'backup.velero.io/backup-volumes': 'data' } } : {}) },
    spec: { containers: [{ name: 'main', image: 'registry.k8s.io/pause:3.10' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }] },
  });
  const claim = (ns: string, name: string) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: ns },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  });
  return [
    ...['velero', 'shop', 'billing'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
    claim('shop', 'uploads'),
    pod('shop', 'web-0', 'uploads'),
    claim('billing', 'ledger'),
    pod('billing', 'ledger-0', 'ledger'),
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: 'shop' }, data: { LOG_LEVEL: 'info' } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-password', namespace: 'shop' }, stringData: { password: 'not-printed' } },
  ];
}

/** Every Velero object in a failing state, one per rule. */
const FAILING = [
  schedule('daily', { template: { ttl: '72h0m0s', excludedNamespaces: ['billing'] } }),
  schedule('weekly', { schedule: '0 2 * * sun', paused: true }),
  location('default', true, 'Available'),
  location('offsite', false, 'Unavailable', 'rpc error: code = Unknown desc = AccessDenied: Access Denied'),
  backup('daily-20261116030000', 'daily', { phase: 'Completed', startTimestamp: '2026-11-16T03:00:00Z', completionTimestamp: '2026-11-16T03:04:00Z', expiration: '2026-11-20T03:00:00Z' }),
  backup('daily-20261117030000', 'daily', { phase: 'PartiallyFailed', startTimestamp: '2026-11-17T03:00:00Z', completionTimestamp: '2026-11-17T03:05:00Z', errors: 3, warnings: 1 }),
];

/** The same objects once fixed: each rule quiet. */
const PASSING = [
  schedule('daily', { template: { ttl: '720h0m0s' } }),
  schedule('weekly', { schedule: '0 2 * * sun', paused: false }),
  location('offsite', false, 'Available'),
  backup('daily-20261119030000', 'daily', { phase: 'Completed', startTimestamp: '2026-11-19T03:00:00Z', completionTimestamp: '2026-11-19T03:04:00Z', expiration: '2026-12-19T03:00:00Z' }),
  backup('weekly-20261115020000', 'weekly', { phase: 'Completed', startTimestamp: '2026-11-15T02:00:00Z', completionTimestamp: '2026-11-15T02:07:00Z', expiration: '2026-12-15T02:00:00Z' }),
];

const VELERO_RULES = ['velero-backup-failed', 'velero-backup-stale', 'velero-storage-unavailable', 'velero-namespace-not-covered', 'velero-volumes-not-covered', 'velero-backup-expires'];

interface JsonReport {
  exitCode: number;
  findings: { ruleId: string; message: string; object: { kind: string; namespace?: string; name: string } | null }[];
  incomplete: { gaps: { what: string; reason: string }[] } | null;
}

function scanAsReader(args: string[]): JsonReport {
  const run = runCli(['scan', '--kubeconfig', cluster.kubeconfigPath, '--context', CONTEXTS.reader, '--format', 'json', '--fail-on', 'never', ...args]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as JsonReport;
}

const byRule = (report: JsonReport, id: string) => report.findings.filter((f) => f.ruleId === id);

beforeAll(async () => {
  cluster = await startTestCluster();
  kubectl(['apply', '--server-side', '-f', CRDS]);
  kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...['backups', 'schedules', 'backupstoragelocations', 'volumesnapshotlocations', 'restores'].map((r) => `crd/${r}.velero.io`)]);
  kubectl(['create', '--validate=strict', '-f', '-'], yamlStream(workloads(false)));
  kubectl(['create', '--validate=strict', '-f', '-'], yamlStream(FAILING));
}, 240_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('Velero, live: real CRDs on a real kube-apiserver, read with the shipped ClusterRole', () => {
  test('the apiserver validates the objects against the CRD schemas: a phase Velero does not define is refused', () => {
    const run = runKubectl(cluster, ['create', '--validate=strict', '-f', '-'], yamlStream([backup('bogus', null, { phase: 'Succeeded' })]));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/status\.phase.*Unsupported value: "Succeeded"/);
  });

  test('each Velero rule fires on its failing object, with no gap', () => {
    const report = scanAsReader(['--now', NOW, '--window', '24h']);
    expect(report.incomplete).toBeNull();
    expect(byRule(report, 'velero-backup-failed').map((f) => f.object?.name)).toEqual(['daily-20261117030000']);
    expect(byRule(report, 'velero-backup-failed')[0]?.message).toContain('PartiallyFailed with 3 errors, 1 warning');
    expect(byRule(report, 'velero-backup-stale').map((f) => f.object?.name).sort()).toEqual(['daily-20261116030000', 'weekly']);
    expect(byRule(report, 'velero-storage-unavailable').map((f) => f.object?.name)).toEqual(['offsite']);
    expect(byRule(report, 'velero-namespace-not-covered').map((f) => f.object?.name)).toEqual(['billing']);
    expect(byRule(report, 'velero-volumes-not-covered').map((f) => `${f.object?.namespace}/${f.object?.name}`)).toEqual(['shop/uploads']);
    expect(byRule(report, 'velero-backup-expires').map((f) => f.object?.name)).toEqual(['daily-20261116030000']);
  });

  test('a shorter --window lets the same backup outlive it', () => {
    const report = scanAsReader(['--now', NOW, '--window', '2h']);
    expect(byRule(report, 'velero-backup-expires')).toEqual([]);
  });

  test('once each object is fixed, every Velero rule is quiet', () => {
    kubectl(['delete', '-n', 'velero', 'schedules.velero.io/daily', 'schedules.velero.io/weekly', 'backupstoragelocations.velero.io/offsite']);
    kubectl(['create', '--validate=strict', '-f', '-'], yamlStream(PASSING));
    kubectl(['annotate', '--overwrite', '-n', 'shop', 'pod/web-0', 'backup.velero.io/backup-volumes=data']);
    kubectl(['annotate', '--overwrite', '-n', 'billing', 'pod/ledger-0', 'backup.velero.io/backup-volumes=data']);
    const report = scanAsReader(['--now', NOW]);
    expect(report.incomplete).toBeNull();
    for (const id of VELERO_RULES) expect(byRule(report, id).map((f) => f.message), id).toEqual([]);
  });
});

describe('resource dumps made by kubectl from the same apiserver', () => {
  let dir: string;
  let now: string;
  beforeAll(() => {
    dir = join(tempDir('kcheck-dumps-'), 'backups');
    mkdirSync(dir);
    const env = { ...process.env, KUBECONFIG: cluster.kubeconfigPath, KUBECTL: cluster.kubectl };
    const sh = (script: string): void => {
      const run = spawnSync('bash', ['-o', 'pipefail', '-c', script], { encoding: 'utf8', env, cwd: dir, timeout: 120_000 });
      expect(run.status, `${script}: ${run.stderr}`).toBe(0);
    };
    sh('"$KUBECTL" get all -A -o yaml > everything.yaml');
    // The full form, as resource-backup-incomplete's fix gives it: one list of every kind the server lists.
    sh('"$KUBECTL" get "$("$KUBECTL" api-resources --verbs=list -o name | paste -sd, -)" -A -o yaml > full.yaml');
    now = new Date(statSync(join(dir, 'full.yaml')).mtimeMs + 3_600_000).toISOString();
  });

  test('the get-all dump is incomplete against the full one, which holds the Secrets (counted, never shown)', () => {
    const run = runCli(['scan', '--backups', dir, '--now', now, '--format', 'json', '--fail-on', 'never']);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.incomplete).toBeNull();
    const incomplete = byRule(report, 'resource-backup-incomplete');
    expect(incomplete.map((f) => f.object?.name)).toEqual(['everything.yaml']);
    expect(incomplete[0]?.message).toMatch(/ConfigMaps? in namespaces? [a-z, -]*shop/);
    expect(incomplete[0]?.message).toMatch(/PersistentVolumeClaims in namespaces billing, shop/);
    expect(incomplete[0]?.message).toMatch(/Secrets? in namespaces? [a-z, -]*shop/);
    const secrets = runKubectl(cluster, ['get', 'secrets', '-A', '-o', 'name']).stdout.trim().split('\n').filter(Boolean).length;
    const held = byRule(report, 'resource-backup-holds-secrets');
    expect(held.map((f) => f.object?.name)).toEqual(['full.yaml']);
    expect(held[0]?.message).toContain(`contains ${secrets} Secret${secrets === 1 ? '' : 's'} in clear base64`);
    expect(run.stdout).not.toContain('not-printed');
    expect(run.stdout).not.toContain(Buffer.from('not-printed').toString('base64'));
    expect(byRule(report, 'resource-backup-stale')).toEqual([]);
  });

  test('a day later the newest dump is stale', () => {
    const later = new Date(Date.parse(now) + 2 * 86_400_000).toISOString();
    const run = runCli(['scan', '--backups', dir, '--now', later, '--format', 'json', '--fail-on', 'never']);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(byRule(report, 'resource-backup-stale').map((f) => f.object?.name)).toHaveLength(1);
  });
});

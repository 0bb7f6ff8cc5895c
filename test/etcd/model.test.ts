import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseDuration } from '../../src/model/duration.js';
import { describeAge } from '../../src/facts/wording.js';
import { scan } from '../../src/cli/pipeline.js';
import { flagValue, resolveContainerPath } from '../../src/model/container-paths.js';
import { readEtcdPods } from '../../src/model/etcd.js';
import { timeInName } from '../../src/model/snapshot-time.js';
import type { KubeObject, RawObject } from '../../src/sources/types.js';
import { etcdManifest, WIRINGS } from './node-layout.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;

describe('the time a snapshot was taken, from its file name', () => {
  it.each([
    ['etcd-snapshot-2026-11-12T03:00:00Z.db', '2026-11-12T03:00:00.000Z'],
    ['etcd-snapshot-2026-11-12T0300Z.db', '2026-11-12T03:00:00.000Z'],
    ['etcd-snapshot-20261112T030000Z.db', '2026-11-12T03:00:00.000Z'],
    ['snapshot-2026-11-12_03-00-00.db', '2026-11-12T03:00:00.000Z'],
    ['etcd-20261112-030000.db', '2026-11-12T03:00:00.000Z'],
    ['backup-2026-11-12-0300.db', '2026-11-12T03:00:00.000Z'],
    ['etcd-2026-11-12T04:00:00+01:00.db', '2026-11-12T03:00:00.000Z'],
    ['snapshot-2026-11-12.db', '2026-11-12T23:59:59.000Z'],
    ['etcd-20261112-1.db', '2026-11-12T23:59:59.000Z'],
    ['etcd-snapshot-controlplane-1762916400', '2025-11-12T03:00:00.000Z'],
  ])('%s was taken at %s', (name, expected) => {
    expect(iso(timeInName(name))).toBe(expected);
  });

  it.each([['kubernetes.db'], ['db'], ['etcd-v3.5.15.db'], ['snapshot-2026-13-40.db'], ['etcd-3.5.15-0.db']])('%s carries no time', (name) => {
    expect(timeInName(name)).toBeNull();
  });
});

describe('durations in options', () => {
  it.each([['24h', 86_400_000], ['90m', 5_400_000], ['2d', 172_800_000], ['1w', 604_800_000], ['1d12h', 129_600_000]])('%s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('refuses what is not a duration', () => {
    expect(parseDuration('24')).toBeNull();
    expect(parseDuration('a day')).toBeNull();
  });

  it('says an age in its largest whole unit', () => {
    expect(describeAge(3 * 86_400_000 + 7_200_000)).toBe('3 days');
    expect(describeAge(3_600_000)).toBe('1 hour');
  });
});

describe('flags and mounts read as etcd and the kubelet read them', () => {
  it('takes --flag=value, --flag value and -flag=value, the last one winning', () => {
    expect(flagValue(['etcd', '--data-dir=/a'], 'data-dir')).toBe('/a');
    expect(flagValue(['etcd', '--data-dir', '/b'], 'data-dir')).toBe('/b');
    expect(flagValue(['etcd', '-data-dir=/c', '--data-dir=/d'], 'data-dir')).toBe('/d');
    expect(flagValue(['etcd', '--data-dir-x=/e'], 'data-dir')).toBeUndefined();
  });

  it('maps a path through the deepest mount, with subPath', () => {
    const mounts = [
      { name: 'root', mountPath: '/var/lib', readOnly: false },
      { name: 'data', mountPath: '/var/lib/etcd', readOnly: false, subPath: 'member-a' },
    ];
    const volumes = [
      { name: 'root', kind: 'hostPath' as const, hostPath: '/srv', hostPathType: '' },
      { name: 'data', kind: 'hostPath' as const, hostPath: '/mnt/disk', hostPathType: 'DirectoryOrCreate' },
    ];
    expect(resolveContainerPath('/var/lib/etcd/data', mounts, volumes).hostPath).toBe('/mnt/disk/member-a/data');
    expect(resolveContainerPath('/var/lib/etcd-2', mounts, volumes).hostPath).toBe('/srv/etcd-2');
    expect(resolveContainerPath('/etc/etcd', mounts, volumes)).toMatchObject({ mount: null, hostPath: null });
  });
});

function raw(object: KubeObject, origin?: RawObject['origin']): RawObject {
  return { object, provenance: { type: 'file', file: 'etcd.yaml', line: 1, column: 1 }, ...(origin ? { origin } : {}) };
}

describe('etcd static pods', () => {
  it('finds the host directory etcd uses: hostPath plus the data dir under its mount', () => {
    const [pod] = readEtcdPods([raw(parse(etcdManifest(WIRINGS.dataDirBelowMount)) as KubeObject)], undefined);
    expect(pod).toMatchObject({ origin: 'manifest', dataDir: '/var/lib/etcd/data', dataDirFrom: 'flag', memberName: 'controlplane' });
    expect(pod!.data.hostPath).toBe('/var/lib/etcd-from-backup/data');
  });

  it('reads ETCD_DATA_DIR when there is no flag, and etcd\'s default <name>.etcd when there is neither', () => {
    const withEnv = parse(etcdManifest(WIRINGS.noDataDirFlag)) as { spec: { containers: { env?: unknown[] }[] } };
    withEnv.spec.containers[0]!.env = [{ name: 'ETCD_DATA_DIR', value: '/var/lib/etcd' }];
    expect(readEtcdPods([raw(withEnv as KubeObject)], undefined)[0]).toMatchObject({ dataDir: '/var/lib/etcd', dataDirFrom: 'env' });
    const bare = readEtcdPods([raw(parse(etcdManifest(WIRINGS.noDataDirFlag)) as KubeObject)], undefined)[0]!;
    expect(bare).toMatchObject({ dataDir: 'controlplane.etcd', dataDirFrom: 'default' });
    expect(bare.data).toMatchObject({ path: '/controlplane.etcd', mount: null });
  });

  it('leaves an etcd that a StatefulSet runs alone: it is no static pod', () => {
    const app: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'etcd-0', namespace: 'feature-flags', ownerReferences: [{ kind: 'StatefulSet', name: 'etcd', controller: true }] },
      spec: { containers: [{ name: 'etcd', image: 'bitnami/etcd:3.5.15', volumeMounts: [{ name: 'data', mountPath: '/bitnami/etcd' }] }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-etcd-0' } }] },
    };
    expect(readEtcdPods([raw(app)], undefined)).toEqual([]);
  });
});

describe('which scans the backup rules judge', () => {
  const work = mkdtempSync(join(tmpdir(), 'kcheck-backup-scope-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const backupRules = ['etcd-backup-corrupt', 'etcd-backup-missing', 'etcd-backup-not-kubernetes', 'etcd-backup-stale', 'etcd-backup-unverifiable'];

  it('a plain manifest scan neither reports nor skips them', async () => {
    const file = join(work, 'deploy.yaml');
    writeFileSync(file, 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: shop }\nspec: { replicas: 2 }\n');
    const result = await scan({ paths: [file], now: '2026-11-20T00:00:00Z', config: '/dev/null' });
    expect(result.result.findings.filter((f) => backupRules.includes(f.ruleId))).toEqual([]);
    expect(result.result.skippedRules.filter((s) => backupRules.includes(s.ruleId))).toEqual([]);
  });

  it('a scan of etcd.yaml without a backup location skips them, saying why', async () => {
    const file = join(work, 'etcd.yaml');
    writeFileSync(file, etcdManifest(WIRINGS.kubeadmDefault));
    const result = await scan({ paths: [file], now: '2026-11-20T00:00:00Z', config: '/dev/null' });
    expect(result.result.skippedRules.filter((s) => backupRules.includes(s.ruleId)).map((s) => s.reason)).toEqual(
      backupRules.map(() => 'no backup location given (--backups DIR, or backups: in the config)'),
    );
  });

  it('takes the config\'s backups: folders relative to the config file', async () => {
    const dir = join(work, 'repo');
    mkdirSync(join(dir, 'offsite'), { recursive: true });
    copyFileSync('fixtures/snapshots/kubernetes.db', join(dir, 'offsite', 'etcd-snapshot-2026-11-19T2200Z.db'));
    writeFileSync(join(dir, 'kcheck.yaml'), 'backups:\n  - offsite\n  - onsite\n');
    mkdirSync(join(dir, 'onsite'));
    const result = await scan({ paths: [], now: '2026-11-20T00:00:00Z', config: join(dir, 'kcheck.yaml') });
    expect(result.model.backups!.locations.map((l) => [l.path, l.snapshots.length])).toEqual([[join(dir, 'offsite'), 1], [join(dir, 'onsite'), 0]]);
    expect(result.result.findings.filter((f) => f.ruleId === 'etcd-backup-missing').map((f) => [f.severity, f.message])).toEqual([
      ['warning', `no etcd snapshot in ${join(dir, 'onsite')}: this copy of the backups is missing (${join(dir, 'offsite')} has one)`],
    ]);
  });
});

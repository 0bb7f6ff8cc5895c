import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectSnapshot } from '../../src/sources/snapshot/index.js';
import type { SnapshotReport } from '../../src/sources/snapshot/types.js';
import { TestEtcd, etcdctl, etcdctlRestore, etcdctlStatus } from './etcd-harness.js';

/** Protobuf-encoded objects as the apiserver writes them start with this magic. */
const proto = (body: string) => Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.from(body)]);
const aescbc = (body: string) => Buffer.concat([Buffer.from('k8s:enc:aescbc:v1:key1:'), Buffer.from(body).reverse()]);

let etcd: TestEtcd;
let work: string;
const snapshots: Record<string, string> = {};
const revisions: Record<string, number> = {};

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kcheck-snapshots-'));
  etcd = await TestEtcd.start();

  await etcd.put('/registry/namespaces/default', proto('ns default'));
  await etcd.put('/registry/namespaces/kube-system', proto('ns kube-system'));
  await etcd.put('/registry/minions/node01', proto('node01'));
  await etcd.put('/registry/minions/node02', proto('node02'));
  await etcd.put('/registry/pods/default/x', proto('pod x v1'));
  await etcd.put('/registry/pods/default/y', proto('pod y'));
  await etcd.put('/registry/pods/kube-system/coredns-1', proto('coredns'));
  await etcd.put('/registry/secrets/default/token', aescbc('secret token'));
  await etcd.put('/registry/secrets/kube-system/plain', proto('secret stored in the clear'));
  await etcd.put('/registry/apiextensions.k8s.io/customresourcedefinitions/crontabs.stable.example.com', '{"kind":"CustomResourceDefinition"}');
  await etcd.put('/registry/stable.example.com/crontabs/default/nightly', '{"kind":"CronTab"}');
  const lease = await etcd.grantLease(3600);
  await etcd.put('/registry/events/default/x.17a', proto('event'), lease);
  for (let i = 2; i <= 5; i++) await etcd.put('/registry/pods/default/x', proto(`pod x v${i}`));
  await etcd.del('/registry/pods/default/y');
  snapshots.beforeCompaction = join(work, 'before-compaction.db');
  await etcd.snapshot(snapshots.beforeCompaction);

  // Enough objects for branch pages and overflow pages in the key bucket.
  for (let i = 0; i < 400; i++) {
    await etcd.put(`/registry/configmaps/ns${i % 9}/cm-${i}`, proto(`configmap ${i} ${'x'.repeat(700)}`));
  }
  await etcd.put('/registry/configmaps/default/big', proto('y'.repeat(200_000)));
  await etcd.compact(await etcd.revision());
  for (let i = 0; i < 20; i++) await etcd.del(`/registry/configmaps/ns${i % 9}/cm-${i}`);
  snapshots.afterCompaction = join(work, 'after-compaction.db');
  await etcd.snapshot(snapshots.afterCompaction);

  // Compacting away a trailing deletion removes its tombstone: the last `key`
  // entry is then older than the store's revision, which only
  // meta/finishedCompactRev still records.
  await etcd.put('/registry/pods/default/short-lived', proto('short-lived'));
  revisions.lastDelete = await etcd.del('/registry/pods/default/short-lived');
  await etcd.compact(revisions.lastDelete);
  snapshots.tombstoneCompacted = join(work, 'tombstone-compacted.db');
  await etcd.snapshot(snapshots.tombstoneCompacted);

  snapshots.restoredDb = join(work, 'restored', 'member', 'snap', 'db');
  await etcdctlRestore(snapshots.afterCompaction, join(work, 'restored'));
});

afterAll(async () => {
  await etcd?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('snapshots of a real etcd', () => {
  it.each(['beforeCompaction', 'afterCompaction', 'tombstoneCompacted', 'restoredDb'])(
    'agrees with etcdctl snapshot status on hash, revision, total keys and total size (%s)',
    async (name) => {
      const file = snapshots[name]!;
      const [ours, reference] = await Promise.all([inspectSnapshot(file), etcdctlStatus(file)]);
      expect(ours.etcd).toBeDefined();
      expect({
        hash: ours.etcd!.hash,
        revision: ours.etcd!.revision,
        totalKey: ours.etcd!.totalKeys,
        totalSize: ours.etcd!.totalSize,
      }).toEqual(reference);
      expect(ours.etcd!.complete).toBe(true);
    },
  );

  it('passes a fresh `etcdctl snapshot save` file with its trailer checked', async () => {
    const r = await inspectSnapshot(snapshots.afterCompaction!);
    expect(r.problems).toEqual([]);
    expect(r.verdict).toBe('ok');
    expect(r.trailer.present).toBe(true);
    expect(r.trailer.matches).toBe(true);
    expect(r.fileSize).toBe(r.bbolt!.databaseSize + 32);
    expect(r.bbolt!.pageSize).toBe(4096);
    expect(Date.parse(r.fileMtime)).toBeGreaterThan(Date.now() - 3600_000);
  });

  it('hashes on a worker thread with the same result', async () => {
    const here = await inspectSnapshot(snapshots.afterCompaction!);
    const onWorker = await inspectSnapshot(snapshots.afterCompaction!, { workerHashThreshold: 0 });
    expect(onWorker.trailer).toEqual(here.trailer);
    expect(onWorker.verdict).toBe('ok');
  });

  it('reads a restored member/snap/db as unverifiable (no trailer) with its figures', async () => {
    const r = await inspectSnapshot(snapshots.restoredDb!);
    expect(r.verdict).toBe('unverifiable');
    expect(r.problems).toEqual([]);
    expect(r.trailer.present).toBe(false);
    expect(r.notes.join('\n')).toMatch(/--skip-hash-check/);
    // etcd 3.4 restore writes the new member ("default", http://localhost:2380)
    // to the WAL only and leaves the source's members bucket in the db;
    // 3.5+ rewrites that bucket (TrimMembershipFromBackend).
    const source = await inspectSnapshot(snapshots.afterCompaction!);
    expect(r.etcd!.members).toEqual(source.etcd!.members);
    expect(r.etcd!.members.map((m) => m.name)).toEqual(['default']);
    expect(r.etcd!.consistentIndex).toBe(1);
    expect(r.kubernetes!.nodes).toEqual(['node01', 'node02']);
  });

  it('counts live Kubernetes objects per resource and namespace, skipping deleted ones', async () => {
    const k = (await inspectSnapshot(snapshots.beforeCompaction!)).kubernetes!;
    const byResource = Object.fromEntries(k.resources.map((r) => [r.resource, r]));
    expect(byResource.pods).toEqual({ resource: 'pods', total: 2, clusterScoped: 0, byNamespace: { default: 1, 'kube-system': 1 } });
    expect(byResource.minions).toEqual({ resource: 'minions', total: 2, clusterScoped: 2, byNamespace: {} });
    expect(byResource['stable.example.com/crontabs']?.byNamespace).toEqual({ default: 1 });
    expect(byResource['apiextensions.k8s.io/customresourcedefinitions']?.clusterScoped).toBe(1);
    expect(k.namespaces).toEqual(['default', 'kube-system']);
    expect(k.nodes).toEqual(['node01', 'node02']);
    expect(k.liveKeys).toBe(11);
    expect(k.values).toEqual({ protobuf: 8, encrypted: 1, json: 2, other: 0 });
    expect(k.encryptionKeys).toEqual([{ provider: 'aescbc', version: 'v1', keyName: 'key1', count: 1 }]);
    expect(k.unencryptedSecrets).toBe(1);
  });

  it('gives both meanings of total keys: every bucket entry (3.4/3.5) and distinct live keys (3.6)', async () => {
    const e = (await inspectSnapshot(snapshots.beforeCompaction!)).etcd!;
    // 12 keys put, /registry/pods/default/x four more times, one deletion.
    expect(e.keyRevisions).toBe(12 + 4 + 1);
    expect(e.tombstones).toBe(1);
    expect(e.liveKeys).toBe(11);
    const others = e.buckets.filter((b) => b.name !== 'key').reduce((n, b) => n + b.entries, 0);
    expect(e.totalKeys).toBe(e.keyRevisions + others);
  });

  it('keeps the compacted history out and reports the compaction revision', async () => {
    const e = (await inspectSnapshot(snapshots.afterCompaction!)).etcd!;
    expect(e.compactRevision).toBeGreaterThan(0);
    expect(e.liveKeys).toBe(11 + 400 + 1 - 20);
    expect(e.consistentIndex).toBeGreaterThan(0);
  });

  it('takes the revision from finishedCompactRev when compaction removed the last tombstone', async () => {
    const r = await inspectSnapshot(snapshots.tombstoneCompacted!);
    const reference = await etcdctlStatus(snapshots.tombstoneCompacted!);
    // etcdctl only looks at the last `key` entry, so it reports an older revision.
    expect(r.etcd!.revision).toBe(reference.revision);
    expect(r.etcd!.revision).toBeLessThan(revisions.lastDelete!);
    expect(r.etcd!.compactRevision).toBe(revisions.lastDelete);
    expect(r.etcd!.latestRevision).toBe(revisions.lastDelete);
  });

  it("reads the db of a running etcd without waiting for its lock", async () => {
    const live = join(etcd.dataDir, 'member', 'snap', 'db');
    const started = Date.now();
    const r: SnapshotReport = await inspectSnapshot(live);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.verdict).toBe('unverifiable');
    expect(r.etcd!.liveKeys).toBeGreaterThan(0);
    // etcdctl opens the db with bbolt's shared flock and waits as long as etcd
    // holds the exclusive one (checked here with a 3-second limit).
    const blocked = await etcdctl(['snapshot', 'status', live], 3000);
    expect(blocked.timedOut).toBe(true);
  });

  it('reads a copy of a live member db taken while etcd runs', async () => {
    const copy = join(work, 'copy-of-live.db');
    await copyFile(join(etcd.dataDir, 'member', 'snap', 'db'), copy);
    const [ours, reference] = await Promise.all([inspectSnapshot(copy), etcdctlStatus(copy)]);
    expect(ours.verdict).toBe('unverifiable');
    expect(ours.etcd!.hash).toBe(reference.hash);
    expect(ours.etcd!.totalKeys).toBe(reference.totalKey);
  });
});

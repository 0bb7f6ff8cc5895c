import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectSnapshot } from '../../src/sources/snapshot/index.js';
import { type SyntheticBucket, type SyntheticDb, buildBbolt, deletion, put, revisionKey, u64be } from './bbolt-builder.js';
import { etcdctl, etcdctlStatus } from './etcd-harness.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kcheck-synthetic-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

async function write(name: string, db: Buffer): Promise<string> {
  const file = join(work, name);
  await writeFile(file, db);
  return file;
}

/** etcd's buckets with a few Kubernetes keys, as etcd 3.6 lays them out. */
function etcd36(options: { paged?: boolean } = {}): SyntheticBucket[] {
  const empty = (name: string): SyntheticBucket => ({ name, entries: [] });
  return [
    empty('alarm'),
    { name: 'auth', entries: [{ key: 'authRevision', value: u64be(1) }] },
    empty('authRoles'),
    empty('authUsers'),
    { name: 'cluster', entries: [{ key: 'clusterVersion', value: '3.6.0' }] },
    {
      name: 'key',
      paged: options.paged,
      entries: [
        put(2, '/registry/namespaces/default', 'k8s\0ns'),
        put(3, '/registry/pods/default/web-0', 'k8s\0pod'),
        put(4, '/registry/pods/default/web-1', 'k8s\0pod'),
        deletion(5, '/registry/pods/default/web-1'),
        put(6, '/registry/secrets/default/db', 'k8s:enc:kms:v2:vault:\x01\x02'),
        put(7, '/registry/pods/default/web-0', 'k8s\0pod v2', 2),
        put(8, 'not-kubernetes', 'plain'),
      ],
    },
    empty('lease'),
    { name: 'members', entries: [{ key: '8e9e05c52164694d', value: '{"id":10276657743932975437,"peerURLs":["https://10.0.0.1:2380"],"name":"cp-1","clientURLs":["https://10.0.0.1:2379"]}' }] },
    empty('members_removed'),
    {
      name: 'meta',
      entries: [
        { key: 'consistent_index', value: u64be(42) },
        { key: 'term', value: u64be(3) },
        { key: 'finishedCompactRev', value: revisionKey(5) },
        { key: 'scheduledCompactRev', value: revisionKey(5) },
        { key: 'storageVersion', value: '3.6.0' },
      ],
    },
  ];
}

describe('databases written byte by byte', () => {
  it('agrees with etcdctl on an etcd 3.6 layout and reads term and storage version', async () => {
    const file = await write('etcd36.db', buildBbolt({ buckets: etcd36(), trailer: true }));
    const [r, reference] = await Promise.all([inspectSnapshot(file), etcdctlStatus(file)]);
    expect(r.verdict).toBe('ok');
    expect({ hash: r.etcd!.hash, revision: r.etcd!.revision, totalKey: r.etcd!.totalKeys, totalSize: r.etcd!.totalSize }).toEqual(reference);
    expect(r.etcd).toMatchObject({ consistentIndex: 42, term: 3, storageVersion: '3.6.0', compactRevision: 5, scheduledCompactRevision: 5 });
    expect(r.etcd!.liveKeys).toBe(4);
    expect(r.etcd!.members).toEqual([
      { id: '8e9e05c52164694d', name: 'cp-1', peerURLs: ['https://10.0.0.1:2380'], clientURLs: ['https://10.0.0.1:2379'], isLearner: false },
    ]);
    expect(r.kubernetes!.liveKeys).toBe(3);
    expect(r.kubernetes!.encryptionKeys).toEqual([{ provider: 'kms', version: 'v2', keyName: 'vault', count: 1 }]);
  });

  it('reads a 16 KiB-page database and finds its meta page 1 when meta page 0 is wiped', async () => {
    const db = buildBbolt({ pageSize: 16384, buckets: etcd36({ paged: true }) });
    const good = await inspectSnapshot(await write('16k.db', db));
    expect(good.verdict).toBe('unverifiable');
    expect(good.bbolt!.pageSize).toBe(16384);
    expect(good.etcd!.hash).toBe((await etcdctlStatus(join(work, '16k.db'))).hash);

    db.fill(0, 0, 16384);
    const file = await write('16k-wiped.db', db);
    const r = await inspectSnapshot(file);
    // bbolt v1.3.7+ finds meta page 1 at 16 KiB; etcd 3.4's bbolt assumes the OS page size: kcheck stays with the stricter one.
    expect(r.problems.map((p) => p.message)).toEqual([
      'meta page 0: bad magic 0x00000000 (expected 0xed0cdaed); etcd 3.4 (bbolt before v1.3.7) looks for meta page 1 at the OS page size, 4096 on x86-64, not at 16384',
    ]);
    expect(r.bbolt).toMatchObject({ pageSize: 16384, activeMeta: 1 });
    expect(r.etcd!.hash).toBe(good.etcd!.hash);
    // bbolt guesses the OS page size (4096) and gives up.
    const status = await etcdctl(['snapshot', 'status', file]);
    expect(status.code).not.toBe(0);
  });

  it('checks a written freelist against the pages the trees use', async () => {
    const clean: SyntheticDb = { buckets: etcd36({ paged: true }), freelist: [5, 6], extraPages: 2 };
    const ok = await inspectSnapshot(await write('freelist.db', buildBbolt(clean)));
    expect(ok.problems).toEqual([]);
    expect(ok.bbolt).toMatchObject({ freelistPage: 2, pagesFree: 2, pagesInUse: 5 });

    const leaked = await inspectSnapshot(await write('leaked.db', buildBbolt({ ...clean, freelist: [5] })));
    expect(leaked.problems.map((p) => p.message)).toEqual(['page 6 is neither in use nor on the freelist']);
    expect(leaked.verdict).toBe('corrupt');

    const doubly = await inspectSnapshot(await write('doubly.db', buildBbolt({ ...clean, freelist: [3, 5, 6, 6] })));
    expect(doubly.problems.map((p) => p.message)).toEqual(['the freelist lists page 6 twice', 'page 3 is in use and also on the freelist']);
  });

  it('hashes a nested bucket by its key only, as etcdctl does', async () => {
    const buckets = etcd36();
    buckets.find((b) => b.name === 'lease')!.entries.push({ key: 'inner', bucket: { name: 'inner', entries: [{ key: 'a', value: 'b' }] } });
    const file = await write('nested.db', buildBbolt({ buckets }));
    const [r, reference] = await Promise.all([inspectSnapshot(file), etcdctlStatus(file)]);
    expect(r.problems).toEqual([]);
    expect(r.etcd!.hash).toBe(reference.hash);
    expect(r.etcd!.totalKeys).toBe(reference.totalKey);
  });

  it('calls a bbolt database without etcd buckets not etcd', async () => {
    const file = await write('other-app.db', buildBbolt({ buckets: [{ name: 'settings', entries: [{ key: 'theme', value: 'dark' }] }], trailer: true }));
    const r = await inspectSnapshot(file);
    expect(r.verdict).toBe('not-etcd');
    expect(r.problems.map((p) => p.message)).toEqual(['a bbolt database without etcd\'s "key" bucket (buckets: settings)']);
    expect(r.etcd).toBeUndefined();
  });

  it('reports a plain key in the root bucket, where etcd keeps only buckets', async () => {
    const r = await inspectSnapshot(await write('plain-root.db', buildBbolt({ buckets: etcd36(), rootPlainKeys: ['stray'] })));
    expect(r.problems.map((p) => p.message)).toEqual(['the root bucket holds a plain key "stray" where etcd keeps only buckets']);
    expect(r.verdict).toBe('corrupt');
  });

  it('reports keys out of order in a leaf page', async () => {
    const buckets = etcd36({ paged: true });
    const key = buckets.find((b) => b.name === 'key')!;
    key.unsorted = true;
    key.entries.reverse();
    const r = await inspectSnapshot(await write('unsorted.db', buildBbolt({ buckets })));
    expect(r.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^page \d+: keys out of order at element 1$/)]);
  });

  it('reports a leaf element pointing past the end of its page', async () => {
    const db = buildBbolt({ buckets: etcd36({ paged: true }) });
    // The key bucket is the only paged bucket: page 2. Element 0's value size becomes huge.
    db.writeUInt32LE(0x00ffffff, 2 * 4096 + 16 + 12);
    const r = await inspectSnapshot(await write('element-bounds.db', db));
    expect(r.problems.map((p) => p.message)).toContain('page 2: element 0 points past the end of the page');
    expect(r.etcd!.complete).toBe(false);
  });

  it('reports a mod revision that disagrees with the revision key it is stored under', async () => {
    const buckets = etcd36();
    const key = buckets.find((b) => b.name === 'key')!;
    key.entries.push({ key: revisionKey(9), value: put(12, '/registry/pods/default/web-2', 'k8s\0pod').value });
    const r = await inspectSnapshot(await write('mod-revision.db', buildBbolt({ buckets })));
    // etcd restores and serves it as it is (kvstore.go restoreChunk never compares the two): a warning.
    expect(r.problems).toEqual([]);
    expect(r.warnings.map((p) => p.message)).toEqual(['key bucket: revision 9_0 holds a value written at revision 12; etcd serves it as it is']);
  });
});

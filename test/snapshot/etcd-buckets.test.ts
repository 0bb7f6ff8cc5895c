import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectSnapshot } from '../../src/sources/snapshot/index.js';
import type { SnapshotReport } from '../../src/sources/snapshot/types.js';
import { type SyntheticBucket, buildBbolt, put, revisionKey, u64be } from './bbolt-builder.js';

/*
 * The buckets restore and a starting etcd read besides `key`, each damaged the
 * way that makes etcd panic (server/storage/schema/*.go at v3.6.5), and the
 * damage etcd reads around. restore-agreement.test.ts checks the same verdicts
 * against etcdutl and etcd themselves on real snapshots.
 */
let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kcheck-buckets-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

type Change = (buckets: Map<string, SyntheticBucket>) => void;

async function inspectWith(name: string, change: Change): Promise<SnapshotReport> {
  const buckets = new Map<string, SyntheticBucket>(
    [
      { name: 'alarm', entries: [] },
      { name: 'auth', entries: [{ key: 'authRevision', value: u64be(1) }] },
      { name: 'authRoles', entries: [] },
      { name: 'authUsers', entries: [] },
      { name: 'cluster', entries: [{ key: 'clusterVersion', value: '3.6.0' }] },
      { name: 'key', entries: [put(2, '/registry/namespaces/default', 'k8s\0ns'), put(3, '/registry/pods/default/web-0', 'k8s\0pod')] },
      { name: 'lease', entries: [] },
      { name: 'members', entries: [{ key: '8e9e05c52164694d', value: '{"id":10276657743932975437,"peerURLs":["https://10.0.0.1:2380"],"name":"cp-1"}' }] },
      { name: 'members_removed', entries: [] },
      { name: 'meta', entries: [{ key: 'consistent_index', value: u64be(42) }, { key: 'term', value: u64be(3) }, { key: 'finishedCompactRev', value: revisionKey(2) }] },
    ].map((b) => [b.name, b as SyntheticBucket]),
  );
  change(buckets);
  const file = join(work, name);
  await writeFile(file, buildBbolt({ buckets: [...buckets.values()] }));
  return inspectSnapshot(file);
}

const add = (bucket: string, key: string | Buffer, value: string | Buffer): Change => (b) => void b.get(bucket)!.entries.push({ key, value });
const messages = (r: SnapshotReport) => r.problems.map((p) => p.message);

describe("etcd's buckets, read as restore and etcd read them", () => {
  it('passes the buckets etcd writes', async () => {
    const r = await inspectWith('clean.db', () => undefined);
    expect(r.problems).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.verdict).toBe('unverifiable');
  });

  it.each<[string, Change, RegExp]>([
    ['members_removed', add('members_removed', 'not-an-id', 'removed'), /^members_removed bucket: key "not-an-id" is not a member id in hex: restore panics/],
    ['a member id past 64 bits', add('members', '1ffffffffffffffff', '{}'), /^members bucket: key "1ffffffffffffffff" is not a member id in hex/],
    ['a lease of the wrong wire type', add('lease', u64be(7), Buffer.from([0x08, 0x07, 0x15, 1, 2, 3, 4])), /^lease bucket: .* no valid leasepb\.Lease \(proto: wrong wireType = 5 for field TTL\)/],
    ['a lease key that is no lease id', add('lease', 'short', Buffer.from([0x08, 0x07])), /^lease bucket: key 0x73686f7274 is 5 bytes, not an 8-byte lease id/],
    ['a user cut short', add('authUsers', 'root', Buffer.from([0x0a, 0x09, 0x72])), /^authUsers bucket: .* no valid authpb\.User \(unexpected EOF\)/],
    ['a role permission of the wrong type', add('authRoles', 'r', Buffer.from([0x12, 0x02, 0x0d, 0x00])), /^authRoles bucket: .* no valid authpb\.Role \(proto: wrong wireType = 5 for field PermType\)/],
    ['an alarm key that is no AlarmMember', add('alarm', Buffer.from([0x08, 0x80]), ''), /^alarm bucket: .* no valid AlarmMember \(unexpected EOF\)/],
    ['a short compaction revision', add('meta', 'scheduledCompactRev', u64be(2)), /^meta bucket: scheduledCompactRev is not a revision \(invalid revision length: 8\)/],
    ['a short consistent index', (b) => void (b.get('meta')!.entries[0] = { key: 'consistent_index', value: Buffer.from([1, 2]) }), /^meta bucket: consistent_index is 2 bytes, not 8/],
    ['a broken confState', add('meta', 'confState', '{"voters":[1,'), /^meta bucket: confState is not the JSON of a raft ConfState/],
    ['a cluster version that is no version', (b) => void (b.get('cluster')!.entries[0] = { key: 'clusterVersion', value: '3.6' }), /^cluster bucket: clusterVersion "3\.6" is not a version/],
    ['a downgrade without a target', add('cluster', 'downgrade', '{"enabled":true}'), /^cluster bucket: downgrade is not the JSON etcd writes/],
    ['a short auth revision', (b) => void (b.get('auth')!.entries[0] = { key: 'authRevision', value: Buffer.from([1]) }), /^auth bucket: authRevision is 1 bytes, not 8/],
    ['a revision key etcd reads but cannot parse', add('key', Buffer.concat([u64be(9), Buffer.from('-'), u64be(0)]), ''), /^key bucket: key 0x[0-9a-f]+ is not a revision .*: etcd panics when it starts \(invalid separator in bucket key: 0x2d\)/],
  ])('calls %s corrupt', async (name, change, expected) => {
    const r = await inspectWith(`${name}.db`, change);
    expect(r.verdict).toBe('corrupt');
    expect(messages(r)).toContainEqual(expect.stringMatching(expected));
  });

  it.each<[string, Change, RegExp | null]>([
    ['a member value that is no JSON', add('members', 'a1', '{not json'), /^members bucket: member a1 is not valid JSON; restore replaces the member list/],
    ['a revision key outside what etcd loads', add('key', Buffer.concat([u64be(0), Buffer.from('_'), u64be(5)]), 'x'), /^key bucket: key 0x0+5f0+5 sorts outside the revisions etcd loads .*: etcd never reads it$/],
    ['a longer consistent index (etcd reads its first 8 bytes)', (b) => void (b.get('meta')!.entries[0] = { key: 'consistent_index', value: Buffer.concat([u64be(42), Buffer.from([0])]) }), null],
  ])('reads around %s with at most a warning', async (name, change, expected) => {
    const r = await inspectWith(`${name}.db`, change);
    expect(r.problems).toEqual([]);
    expect(r.verdict).toBe('unverifiable');
    if (expected) expect(r.warnings.map((w) => w.message)).toEqual([expect.stringMatching(expected)]);
    else expect(r.warnings).toEqual([]);
  });
});

describe('bytes etcd never reads', () => {
  it('warns about free pages cut off the end of the file, and calls a cut into a tree corrupt', async () => {
    const buckets: SyntheticBucket[] = [{ name: 'key', paged: true, entries: [put(2, '/registry/namespaces/default', 'k8s\0ns')] }, { name: 'meta', entries: [] }];
    const db = buildBbolt({ buckets, extraPages: 2 });
    const file = join(work, 'cut-free-pages.db');
    await writeFile(file, db.subarray(0, db.length - 4096 - 100));
    const r = await inspectSnapshot(file);
    expect(r.problems).toEqual([]);
    expect(r.verdict).toBe('unverifiable');
    expect(r.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/: truncated; the missing pages \d+\.\.\d+ hold nothing the trees reach \(free pages\), which bbolt never reads$/)]);

    await writeFile(file, db.subarray(0, 3 * 4096));
    const cut = await inspectSnapshot(file);
    expect(cut.verdict).toBe('corrupt');
    expect(cut.problems.map((p) => p.message)[0]).toMatch(/: truncated$/);
  });

  it('warns about leaf element flag bits bbolt ignores', async () => {
    const buckets: SyntheticBucket[] = [{ name: 'key', paged: true, entries: [put(2, '/registry/namespaces/default', 'k8s\0ns')] }, { name: 'meta', entries: [] }];
    const db = buildBbolt({ buckets });
    // The key bucket is the only paged bucket: page 2; element 0's flags get bit 1.
    db.writeUInt32LE(0x02, 2 * 4096 + 16);
    const file = join(work, 'element-flags.db');
    await writeFile(file, db);
    const r = await inspectSnapshot(file);
    expect(r.problems).toEqual([]);
    expect(r.warnings.map((w) => w.message)).toEqual(['page 2: element 0 has unknown flags 0x2; bbolt reads only the bucket bit']);
    expect(r.etcd!.liveKeys).toBe(1);
  });
});

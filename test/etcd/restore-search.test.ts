import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDataIdentity } from '../../src/sources/host/restore-identity.js';
import { SEARCH_DEPTH, SEARCH_ENTRIES, searchDataDirs } from '../../src/sources/host/restore-search.js';
import { NodeRoot } from '../../src/sources/root/node-root.js';
import type { ScanGap } from '../../src/sources/types.js';
import { RESTORE_SNAP, RESTORE_WAL, servedBy } from './restore-layout.js';

/** A real `etcdctl snapshot restore` WAL segment (as etcd.yaml's member), checked in without its preallocated zeros. */
const RESTORED = 'fixtures/rules/etcd-restore-not-wired/fail-hostpath-not-restored/var/lib/etcd-restore';
const restoreWal = readFileSync(join(RESTORED, RESTORE_WAL));

let work: string;
let roots = 0;
const freshRoot = (): string => {
  const root = join(work, `root-${(roots += 1)}`);
  mkdirSync(root);
  return root;
};
function dataDir(root: string, dir: string): void {
  mkdirSync(join(root, dir, 'member'), { recursive: true });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'kcheck-restore-search-'));
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the search for restores', () => {
  it('finds data dirs in every usual place, each with how, and none twice', async () => {
    const root = freshRoot();
    for (const dir of ['var/lib/etcd', 'var/lib/etcd-from-backup', 'root/restore', 'home/ubuntu/backups/etcd/2026', 'opt/etcd-restore', 'srv/etcd', 'data/etcd', 'mnt/disk/etcd', 'backup2/etcd']) {
      dataDir(root, dir);
    }
    symlinkSync('/var/lib/etcd-from-backup', join(root, 'root/current'));
    const gaps: ScanGap[] = [];
    const found = await searchDataDirs(new NodeRoot(root), ['/var/lib/etcd'], ['/var/lib/etcd'], gaps);
    expect(gaps).toEqual([]);
    expect(found.map((f) => [f.path, f.foundBy])).toEqual([
      ['/var/lib/etcd-from-backup', 'beside /var/lib/etcd, which etcd.yaml names'],
      ['/root/restore', 'searching /root, 3 levels deep'],
      ['/home/ubuntu/backups/etcd/2026', 'searching /home/ubuntu (/home/*), 3 levels deep'],
      ['/opt/etcd-restore', 'searching /opt, 3 levels deep'],
      ['/srv/etcd', 'searching /srv, 3 levels deep'],
      ['/data/etcd', 'searching /data, 3 levels deep'],
      ['/mnt/disk/etcd', 'searching /mnt, 3 levels deep'],
      ['/backup2/etcd', 'searching /backup2 (/backup*), 3 levels deep'],
    ]);
  });

  it(`goes ${SEARCH_DEPTH} levels deep and no deeper, and walks a link loop once`, async () => {
    const root = freshRoot();
    dataDir(root, 'opt/a/b/c');
    dataDir(root, 'opt/a/b/c2/d');
    symlinkSync('..', join(root, 'opt/a/up'));
    const found = await searchDataDirs(new NodeRoot(root), [], [], []);
    expect(found.map((f) => f.path)).toEqual(['/opt/a/b/c']);
  });

  it(`stops after ${SEARCH_ENTRIES} entries and says so: the scan is incomplete`, async () => {
    const root = freshRoot();
    mkdirSync(join(root, 'srv'));
    for (let i = 0; i <= SEARCH_ENTRIES; i++) writeFileSync(join(root, 'srv', `f${i}`), '');
    const gaps: ScanGap[] = [];
    await searchDataDirs(new NodeRoot(root), [], [], gaps);
    expect(gaps).toEqual([{ what: join(root, 'srv'), reason: `the search for restored etcd data stopped after ${SEARCH_ENTRIES} entries: a restore in a folder not yet looked at is not seen` }]);
  }, 120_000);
});

describe('whose data a data dir holds, from its WAL', () => {
  it('reads a real restore: the member etcd.yaml names, and the restore\'s mark', async () => {
    const identity = await readDataIdentity(new NodeRoot(RESTORED), '/');
    expect(identity).toEqual({
      memberId: expect.stringMatching(/^[0-9a-f]+$/),
      clusterId: expect.stringMatching(/^[0-9a-f]+$/),
      wal: join(RESTORED, RESTORE_WAL),
      restore: { members: 1, at: expect.any(String), atFrom: 'snap file' },
      started: false,
    });
    expect(readFileSync(join(RESTORED, RESTORE_SNAP)).length).toBeGreaterThan(0);
  });

  it('the checked-in restore, its WAL without the preallocated zeros, is one etcd starts on and serves', async () => {
    const root = freshRoot();
    cpSync(RESTORED, join(root, 'var/lib/etcd'), { recursive: true });
    expect(await servedBy(root, '/var/lib/etcd', '/registry/namespaces/shop')).toEqual({ value: expect.stringContaining('shop') });
  });

  it('never throws on damaged WALs: a seeded sample of truncations and byte flips', async () => {
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const root = freshRoot();
    mkdirSync(join(root, 'd/member/wal'), { recursive: true });
    const node = new NodeRoot(root);
    const outcomes = { identity: 0, problem: 0 };
    for (let i = 0; i < 300; i++) {
      const bytes = Buffer.from(restoreWal.subarray(0, i % 3 === 0 ? random(restoreWal.length + 1) : restoreWal.length));
      for (let flips = random(4); flips > 0 && bytes.length > 0; flips--) bytes[random(bytes.length)] = random(256);
      writeFileSync(join(root, 'd', RESTORE_WAL), bytes);
      const identity = await readDataIdentity(node, '/d');
      if (identity && 'problem' in identity) outcomes.problem += 1;
      else outcomes.identity += 1;
    }
    expect(outcomes.identity + outcomes.problem).toBe(300);
    expect(outcomes.problem).toBeGreaterThan(0);
  });
});

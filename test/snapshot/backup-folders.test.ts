import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectSnapshot, readBackupFolders } from '../../src/sources/snapshot/index.js';
import { SnapshotReadError } from '../../src/sources/snapshot/types.js';
import { buildBbolt, put } from './bbolt-builder.js';

let root: string;
const db = (trailer: boolean) =>
  buildBbolt({ trailer, buckets: [{ name: 'key', entries: [put(2, '/registry/minions/n1', 'k8s\0n')] }, { name: 'meta', entries: [] }] });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kcheck-backups-'));
  await mkdir(join(root, 'daily', '2024-05-01'), { recursive: true });
  await mkdir(join(root, 'datadir-copy', 'member', 'snap'), { recursive: true });
  await mkdir(join(root, 'other'), { recursive: true });
  await writeFile(join(root, 'daily', '2024-05-01', 'etcd.db'), db(true));
  await writeFile(join(root, 'daily', 'snapshot-0430'), db(true));
  await writeFile(join(root, 'daily', 'snapshot-0501.db.part'), db(true).subarray(0, 5000));
  await writeFile(join(root, 'datadir-copy', 'member', 'snap', 'db'), db(false));
  await writeFile(join(root, 'datadir-copy', 'member', 'snap', '0000000000000002-0000000000000005.snap'), 'raft snapshot');
  await writeFile(join(root, 'other', 'README.txt'), 'restore notes');
  await symlink(join(root, 'daily'), join(root, 'other', 'loop-to-daily'));
  await symlink(join(root, 'gone.db'), join(root, 'other', 'dangling.db'));
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('backup folders', () => {
  it('finds *.db, snapshot* and member/snap/db files recursively and inspects each once', async () => {
    const { snapshots } = await readBackupFolders([root, join(root, 'daily')]);
    const found = snapshots.map((s) => [s.file.slice(root.length + 1), s.verdict]);
    expect(found).toEqual([
      ['daily/2024-05-01/etcd.db', 'ok'],
      ['daily/snapshot-0430', 'ok'],
      ['daily/snapshot-0501.db.part', 'corrupt'],
      ['datadir-copy/member/snap/db', 'unverifiable'],
    ]);
  });

  it('turns a missing folder and a dangling link into gaps, never silence', async () => {
    const { gaps } = await readBackupFolders([join(root, 'nowhere'), join(root, 'other')]);
    expect(gaps).toEqual([
      { what: join(root, 'nowhere'), reason: 'backup folder cannot be read: no such directory', affects: ['snapshots'] },
      { what: join(root, 'other', 'dangling.db'), reason: 'broken link: its target does not exist', affects: ['snapshots'] },
    ]);
  });

  it('inspects a file given in place of a folder', async () => {
    const file = join(root, 'daily', 'snapshot-0430');
    const { snapshots, gaps } = await readBackupFolders([file]);
    expect(gaps).toEqual([]);
    expect(snapshots.map((s) => s.file)).toEqual([file]);
  });

  it('rejects a path it cannot read with a SnapshotReadError naming the file', async () => {
    await expect(inspectSnapshot(join(root, 'missing.db'))).rejects.toThrow(new SnapshotReadError(join(root, 'missing.db'), 'no such file'));
    await expect(inspectSnapshot(join(root, 'daily'))).rejects.toThrow(`${join(root, 'daily')}: is a directory, not a snapshot file`);
  });
});

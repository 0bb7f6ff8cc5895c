import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBackupFolders } from '../../src/sources/snapshot/index.js';
import { etcdctlStatus } from './etcd-harness.js';

const folder = join(import.meta.dirname, '..', '..', 'fixtures', 'snapshots');

describe('snapshot fixtures', () => {
  it('gives each fixture the verdict its README states', async () => {
    const { snapshots, gaps } = await readBackupFolders([folder]);
    expect(gaps).toEqual([]);
    expect(Object.fromEntries(snapshots.map((s) => [s.file.slice(folder.length + 1), s.verdict]))).toEqual({
      'changed-after-save.db': 'corrupt',
      'etcd-data-copy/member/snap/db': 'unverifiable',
      'interrupted-copy.db': 'corrupt',
      'kubernetes.db': 'ok',
      'not-kubernetes.db': 'ok',
    });
    const byName = (name: string) => snapshots.find((s) => s.file.endsWith(name))!;
    expect(byName('kubernetes.db').kubernetes!.liveKeys).toBe(14);
    expect(byName('not-kubernetes.db').kubernetes!.liveKeys).toBe(0);
    expect(byName('not-kubernetes.db').etcd!.liveKeys).toBe(2);
  });

  it.each(['kubernetes.db', 'not-kubernetes.db', 'etcd-data-copy/member/snap/db', 'changed-after-save.db'])(
    'agrees with etcdctl snapshot status on %s',
    async (name) => {
      const file = join(folder, name);
      const { snapshots } = await readBackupFolders([file]);
      const e = snapshots[0]!.etcd!;
      expect({ hash: e.hash, revision: e.revision, totalKey: e.totalKeys, totalSize: e.totalSize }).toEqual(await etcdctlStatus(file));
    },
  );
});

import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectSnapshot } from '../../src/sources/snapshot/index.js';
import type { SnapshotReport } from '../../src/sources/snapshot/types.js';
import { TestEtcd, etcdctl, etcdctlStatus, type EtcdctlStatus } from './etcd-harness.js';
import { PAGE_SIZE, branches, damage, leafHolding, occurrences } from './page-surgery.js';

let etcd: TestEtcd;
let work: string;
let original: Buffer;
let originalPath: string;
let rawCopy: Buffer;
let reference: EtcdctlStatus;
/** Where the live copy of a value sits in the snapshot and in the raw db. */
let liveValueAt: number;
let rawLiveValueAt: number;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kcheck-corrupt-'));
  etcd = await TestEtcd.start();
  for (let i = 0; i < 300; i++) {
    await etcd.put(`/registry/configmaps/ns${i % 5}/cm-${i}`, Buffer.concat([Buffer.from('k8s\0'), Buffer.from(`${'a'.repeat(900)} MARKER-${i};`)]));
  }
  originalPath = join(work, 'snapshot.db');
  await etcd.snapshot(originalPath);
  await etcd.stop();
  await copyFile(join(etcd.dataDir, 'member', 'snap', 'db'), join(work, 'raw.db'));
  original = await readFile(originalPath);
  rawCopy = await readFile(join(work, 'raw.db'));
  reference = await etcdctlStatus(originalPath);
  liveValueAt = await liveOccurrence(original, 'MARKER-150;', reference.hash);
  rawLiveValueAt = await liveOccurrence(rawCopy, 'MARKER-150;', (await etcdctlStatus(join(work, 'raw.db'))).hash);
});

/** The copy of `needle` etcdctl reads: changing it changes etcdctl's hash (stale copies in free pages do not). */
async function liveOccurrence(file: Buffer, needle: string, hash: number): Promise<number> {
  for (const at of occurrences(file, needle)) {
    const probe = join(work, 'probe.db');
    await writeFile(probe, damage.flipByte(file, at + 3));
    if ((await etcdctlStatus(probe)).hash !== hash) return at;
  }
  throw new Error(`no live copy of ${needle}`);
}

afterAll(async () => {
  await etcd?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

async function inspectBytes(name: string, bytes: Buffer): Promise<{ report: SnapshotReport; etcdctlCode: number | null; etcdctlOut: string }> {
  const file = join(work, name);
  await writeFile(file, bytes);
  const [report, status] = await Promise.all([inspectSnapshot(file), etcdctl(['snapshot', 'status', '-w', 'json', file], 30_000)]);
  return { report, etcdctlCode: status.code, etcdctlOut: `${status.stdout}${status.stderr}` };
}

const messages = (r: SnapshotReport) => r.problems.map((p) => p.message);

/*
 * etcdctl is the oracle for whether etcd can use a file, and what matters is
 * whether it accepts it (exit 0) or refuses it (any other exit). Which
 * non-zero code it uses is incidental: a reported error exits 1 and a Go panic
 * exits 2, and which of the two a damaged page meets depends on where bbolt
 * first trips over it (etcdctl 3.4 `snapshot status` runs bbolt's tx.Check()
 * before it walks the keys: etcdctl/ctlv3/command/snapshot_command.go), which
 * moves with the page layout of each freshly written snapshot.
 */
const accepts = (code: number | null) => code === 0;
const refuses = (code: number | null) => code !== null && code !== 0;

describe('damaged snapshots', () => {
  it('starts from a snapshot that passes', async () => {
    const r = await inspectSnapshot(originalPath);
    expect(r.verdict).toBe('ok');
    expect(r.etcd!.hash).toBe(reference.hash);
  });

  it('catches one changed byte in a value through the SHA-256 trailer', async () => {
    const { report, etcdctlCode, etcdctlOut } = await inspectBytes('value-byte.db', damage.flipByte(original, liveValueAt + 3));
    expect(report.verdict).toBe('corrupt');
    expect(messages(report)).toEqual([expect.stringMatching(/^sha256 trailer does not match the content/)]);
    // etcdctl snapshot status passes it silently, with a different hash.
    expect(accepts(etcdctlCode)).toBe(true);
    expect((JSON.parse(etcdctlOut) as EtcdctlStatus).hash).toBe(report.etcd!.hash);
    expect(report.etcd!.hash).not.toBe(reference.hash);
  });

  it('cannot see a changed value byte in a raw db copy, which has no trailer to check', async () => {
    const { report } = await inspectBytes('raw-value-byte.db', damage.flipByte(rawCopy, rawLiveValueAt + 3));
    expect(report.verdict).toBe('unverifiable');
    expect(report.problems).toEqual([]);
    expect(report.etcd!.hash).not.toBe((await inspectSnapshot(join(work, 'raw.db'))).etcd!.hash);
  });

  it('catches a damaged trailer', async () => {
    const { report, etcdctlCode } = await inspectBytes('trailer.db', damage.flipByte(original, original.length - 1));
    expect(report.verdict).toBe('corrupt');
    expect(messages(report)).toEqual([expect.stringMatching(/^sha256 trailer does not match the content/)]);
    expect(report.trailer.matches).toBe(false);
    expect(report.etcd!.hash).toBe(reference.hash);
    // etcdctl snapshot status never reads the trailer: it passes silently.
    expect(accepts(etcdctlCode)).toBe(true);
  });

  it('catches a damaged meta page and still reads the database through the other one', async () => {
    const txidByte = 16 + 48;
    const { report, etcdctlCode } = await inspectBytes('meta0.db', damage.flipByte(original, txidByte));
    // Corrupt for the trailer only: bbolt reads around the meta page (a warning).
    expect(report.verdict).toBe('corrupt');
    expect(messages(report)).toEqual([expect.stringMatching(/^sha256 trailer does not match the content/)]);
    expect(report.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/^meta page 0: checksum mismatch \(stored 0x[0-9a-f]+, computed 0x[0-9a-f]+\); bbolt opens the database through meta page 1, which leads to the same data$/),
    ]);
    expect(report.bbolt!.activeMeta).toBe(1);
    expect(report.etcd!.hash).toBe(reference.hash);
    // bbolt falls back to meta page 1: etcdctl snapshot status passes silently.
    expect(accepts(etcdctlCode)).toBe(true);
  });

  it('finds meta page 1 by itself when meta page 0 is wiped', async () => {
    const wiped = Buffer.from(original);
    wiped.fill(0, 0, PAGE_SIZE);
    const { report } = await inspectBytes('meta0-wiped.db', wiped);
    expect(report.warnings.map((w) => w.message)[0]).toBe(
      'meta page 0: bad magic 0x00000000 (expected 0xed0cdaed); bbolt opens the database through meta page 1, which leads to the same data',
    );
    expect(report.bbolt!.pageSize).toBe(PAGE_SIZE);
    expect(report.etcd!.hash).toBe(reference.hash);
  });

  it('calls a database with both meta pages damaged unreadable', async () => {
    const both = damage.flipByte(damage.flipByte(original, 16 + 48), PAGE_SIZE + 16 + 48);
    const { report, etcdctlCode, etcdctlOut } = await inspectBytes('meta-both.db', both);
    expect(report.verdict).toBe('corrupt');
    expect(messages(report)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^meta page 0: checksum mismatch/),
        expect.stringMatching(/^meta page 1: checksum mismatch/),
        'both meta pages are damaged: bbolt (and etcd) cannot open this database',
      ]),
    );
    expect(report.etcd).toBeUndefined();
    expect(refuses(etcdctlCode)).toBe(true);
    expect(etcdctlOut).toMatch(/checksum error/);
  });

  it('catches a page header with the wrong page type', async () => {
    const leaf = leafHolding(original, liveValueAt);
    const { report, etcdctlCode, etcdctlOut } = await inspectBytes('page-flags.db', damage.setPageFlags(original, leaf.id, 0x10));
    expect(report.verdict).toBe('corrupt');
    expect(messages(report)).toContainEqual(
      expect.stringMatching(new RegExp(`^page ${leaf.id}: page type is freelist, expected branch or leaf \\(referenced from page \\d+ of bucket "key"\\)$`)),
    );
    expect(report.etcd!.complete).toBe(false);
    // bbolt's consistency check names the page type (as an error or a panic).
    expect(refuses(etcdctlCode)).toBe(true);
    expect(etcdctlOut).toMatch(/invalid (page )?type/);
  });

  it('catches a page header that names another page', async () => {
    const leaf = leafHolding(original, liveValueAt);
    const { report, etcdctlCode } = await inspectBytes('page-id.db', damage.setPageId(original, leaf.id, leaf.id + 1));
    expect(messages(report)).toContainEqual(expect.stringMatching(new RegExp(`^page ${leaf.id}: header says it is page ${leaf.id + 1} `)));
    expect(report.verdict).toBe('corrupt');
    expect(refuses(etcdctlCode)).toBe(true);
  });

  it('catches a page reached twice', async () => {
    // Freed pages keep stale branch pages: take one etcdctl also walks.
    for (const branch of branches(original, 2)) {
      const { copy, child } = damage.duplicateBranchChild(original, branch.id);
      const { report, etcdctlCode, etcdctlOut } = await inspectBytes('reached-twice.db', copy);
      // A stale copy in a free page: etcdctl never reaches it.
      if (accepts(etcdctlCode)) continue;
      expect(messages(report)).toContainEqual(`page ${child} reached twice (again from page ${branch.id} of bucket "key")`);
      expect(report.verdict).toBe('corrupt');
      // bbolt's tx.Check() finds the second reference (reported as an error or a panic).
      expect(etcdctlOut).toMatch(/multiple references/);
      return;
    }
    throw new Error('no live branch page with two children in the snapshot');
  });

  it('catches a file cut in half as truncated', async () => {
    const half = original.subarray(0, Math.floor(original.length / 2));
    const { report, etcdctlCode } = await inspectBytes('half.db', half);
    const pages = original.length >> 12;
    expect(report.verdict).toBe('corrupt');
    expect(messages(report)[0]).toBe(`file is ${half.length} bytes but the database says ${pages} pages × 4096 = ${pages * 4096} bytes: truncated`);
    expect(refuses(etcdctlCode)).toBe(true);
  });

  it('catches an empty file', async () => {
    const { report, etcdctlCode } = await inspectBytes('empty.db', Buffer.alloc(0));
    expect(report.verdict).toBe('corrupt');
    expect(messages(report)).toEqual(['file is empty (0 bytes)']);
    expect(report.fileSize).toBe(0);
    expect(refuses(etcdctlCode)).toBe(true);
  });

  it('calls a text file not an etcd database', async () => {
    const { report, etcdctlCode, etcdctlOut } = await inspectBytes('notes.db', Buffer.from('restore steps:\n1. stop the apiserver\n'.repeat(400)));
    expect(report.verdict).toBe('not-etcd');
    expect(messages(report)[0]).toMatch(/^not a bbolt database \(bytes 16-19 are 0x[0-9a-f]{8}, the bbolt magic is 0xed0cdaed/);
    expect(refuses(etcdctlCode)).toBe(true);
    expect(etcdctlOut).toMatch(/invalid database/);
  });

  it('always answers with a report, whatever byte of the file is damaged', async () => {
    let seed = 42;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const rawLength = original.length - 32;
    for (let i = 0; i < 150; i++) {
      const copy = Buffer.from(original.subarray(0, rawLength));
      // Headers and elements are where damage matters most: hit the first bytes of pages often.
      const page = next(rawLength / PAGE_SIZE);
      const offset = page * PAGE_SIZE + (i % 2 === 0 ? next(64) : next(PAGE_SIZE));
      copy[offset] = next(256);
      const file = join(work, 'fuzz.db');
      await writeFile(file, i % 10 === 0 ? copy.subarray(0, next(copy.length)) : copy);
      const report = await inspectSnapshot(file);
      expect(['unverifiable', 'corrupt', 'not-etcd']).toContain(report.verdict);
      for (const p of report.problems) expect(p.message).not.toMatch(/undefined|NaN/);
    }
  });

  it('calls a file too short for a meta page not an etcd database', async () => {
    const { report } = await inspectBytes('tiny.db', Buffer.from('hello\n'));
    expect(report.verdict).toBe('not-etcd');
    expect(messages(report)).toEqual(['not a bbolt database: 6 bytes is too short to hold a meta page']);
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSnapshotTable, humanizeBytes, snapshotJson } from '../../src/report/snapshot-status.js';
import { inspectSnapshot } from '../../src/sources/snapshot/index.js';
import { buildBbolt, put, u64be } from './bbolt-builder.js';
import { TestEtcd, etcdctl } from './etcd-harness.js';

let etcd: TestEtcd;
let work: string;
let snapshot: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kcheck-format-'));
  etcd = await TestEtcd.start();
  await etcd.put('/registry/minions/node01', 'k8s\0node');
  for (let i = 0; i < 50; i++) await etcd.put(`/registry/pods/ns${i % 5}/p${i}`, `k8s\0${'p'.repeat(2000)}`);
  await etcd.put('/registry/secrets/default/s', 'k8s:enc:aescbc:v1:key1:zzz');
  snapshot = join(work, 'snap.db');
  await etcd.snapshot(snapshot);
});

afterAll(async () => {
  await etcd?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('kcheck snapshot output', () => {
  it('draws the table etcdctl draws, with a VERDICT column added', async () => {
    const reference = await etcdctl(['snapshot', 'status', '-w', 'table', snapshot]);
    const theirs = reference.stdout.trimEnd().split('\n');
    expect(theirs).toHaveLength(5);
    const ours = formatSnapshotTable([await inspectSnapshot(snapshot)]).split('\n');
    expect(ours[0]).toBe(snapshot);
    const table = ours.slice(1, 6);
    theirs.forEach((line, i) => expect(table[i]!.startsWith(line)).toBe(true));
    expect(table[1]).toMatch(/\| VERDICT \|$/);
    expect(table[3]).toMatch(/\|      ok \|$/);
  });

  it('prints the Kubernetes view below the table', async () => {
    const text = formatSnapshotTable([await inspectSnapshot(snapshot)]);
    expect(text).toContain('kubernetes: 52 live objects under /registry/ (51 protobuf, 1 encrypted at rest, 0 JSON, 0 other)');
    expect(text).toContain('encryption keys: aescbc:v1:key1 (1)');
    expect(text).toMatch(/\| pods +\| +50 \| +0 \| ns0=10, ns1=10, ns2=10, \+2 more \|/);
  });

  it('lists the problems of a damaged file and shows no figures for a file that is not etcd', async () => {
    const text = join(work, 'notes.db');
    await writeFile(text, 'not a snapshot\n'.repeat(1000));
    const out = formatSnapshotTable([await inspectSnapshot(text)]);
    expect(out).toContain('|    - |        - |          - |          - | not-etcd |');
    expect(out).toContain('    - not a bbolt database');
  });

  it('adds the VERSION column for an etcd 3.6 snapshot, as etcdutl 3.6 does', async () => {
    const file = join(work, 'v36.db');
    await writeFile(
      file,
      buildBbolt({
        trailer: true,
        buckets: [
          { name: 'key', entries: [put(2, '/registry/minions/n1', 'k8s\0n')] },
          { name: 'meta', entries: [{ key: 'storageVersion', value: '3.6.0' }, { key: 'consistent_index', value: u64be(9) }] },
        ],
      }),
    );
    const out = formatSnapshotTable([await inspectSnapshot(file)]);
    expect(out).toMatch(/\| VERSION \| VERDICT \|/);
    expect(out).toMatch(/\|   3\.6\.0 \|      ok \|/);
  });

  it('writes JSON whose status object has exactly the keys of etcdctl -w json', async () => {
    const reference = JSON.parse((await etcdctl(['snapshot', 'status', '-w', 'json', snapshot])).stdout) as Record<string, number>;
    const [doc] = JSON.parse(snapshotJson([await inspectSnapshot(snapshot)])) as { status: Record<string, number>; verdict: string; file: string }[];
    expect(doc!.status).toEqual(reference);
    expect(doc!.verdict).toBe('ok');
    expect(doc!.file).toBe(snapshot);
  });

  it('formats sizes as go-humanize does, ties rounded to even', () => {
    expect(humanizeBytes(5)).toBe('5 B');
    expect(humanizeBytes(20480)).toBe('20 kB');
    expect(humanizeBytes(28672)).toBe('29 kB');
    expect(humanizeBytes(761856)).toBe('762 kB');
    expect(humanizeBytes(1536)).toBe('1.5 kB');
    expect(humanizeBytes(7_700_000)).toBe('7.7 MB');
    expect(humanizeBytes(10_500)).toBe('10 kB');
    expect(humanizeBytes(11_500)).toBe('12 kB');
    expect(humanizeBytes(2_147_483_648)).toBe('2.1 GB');
  });
});

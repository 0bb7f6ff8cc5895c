import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { etcdctl, etcdctlStatus, TestEtcd } from '../snapshot/etcd-harness.js';

const proto = (s: string) => Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.from(s)]);

let work: string;
const files: Record<string, string> = {};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'kcheck-snapshot-command-'));
  const etcd = await TestEtcd.start();
  try {
    for (const ns of ['default', 'kube-system', 'shop']) await etcd.put(`/registry/namespaces/${ns}`, proto(ns));
    for (let i = 0; i < 300; i++) await etcd.put(`/registry/configmaps/shop/cm-${i % 40}`, proto(`config ${i} ${'x'.repeat(500)}`));
    files.small = join(work, 'small.db');
    await etcd.snapshot(files.small);
    await etcd.compact(await etcd.revision());
    for (let i = 0; i < 10; i++) await etcd.del(`/registry/configmaps/shop/cm-${i}`);
    files.compacted = join(work, 'compacted.db');
    await etcd.snapshot(files.compacted);
    await etcd.stop();
    files.rawCopy = join(work, 'raw', 'member', 'snap', 'db');
    mkdirSync(join(work, 'raw', 'member', 'snap'), { recursive: true });
    copyFileSync(join(etcd.dataDir, 'member', 'snap', 'db'), files.rawCopy);
  } finally {
    await etcd.cleanup();
  }
  const flipped = readFileSync(files.small);
  const at = flipped.lastIndexOf('config 299');
  flipped[at] = flipped[at]! ^ 0x01;
  files.flipped = join(work, 'flipped.db');
  writeFileSync(files.flipped, flipped);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The cells of the one data row of an etcdctl-style table. */
function row(table: string): string[] {
  const lines = table.split('\n').filter((l) => l.startsWith('|'));
  return lines[1]!.split('|').slice(1, -1).map((c) => c.trim());
}

describe('kcheck snapshot agrees with etcdctl snapshot status', () => {
  it.each(['small', 'compacted', 'rawCopy'])('prints the same hash, revision, total keys and total size in the table (%s)', async (name) => {
    const file = files[name]!;
    const ours = runCli(['snapshot', file]);
    const theirs = await etcdctl(['snapshot', 'status', '-w', 'table', file]);
    expect(theirs.code).toBe(0);
    expect(row(ours.stdout).slice(0, 4)).toEqual(row(theirs.stdout));
    expect(ours.code).toBe(0);
  });

  it.each(['small', 'compacted', 'rawCopy'])('gives etcdctl\'s -w json figures under "status" (%s)', async (name) => {
    const file = files[name]!;
    const ours = JSON.parse(runCli(['snapshot', '--format', 'json', file]).stdout) as { status: unknown; verdict: string }[];
    expect(ours[0]!.status).toEqual(await etcdctlStatus(file));
    expect(ours[0]!.verdict).toBe(name === 'rawCopy' ? 'unverifiable' : 'ok');
  });
});

describe('kcheck snapshot verdicts and exit codes', () => {
  it('exits 1 on a snapshot with one flipped byte that etcdctl snapshot status reads without complaint', async () => {
    const theirs = await etcdctl(['snapshot', 'status', '-w', 'json', files.flipped!]);
    expect(theirs.code).toBe(0);
    const ours = runCli(['snapshot', files.small!, files.flipped!]);
    expect(ours.code).toBe(1);
    expect(ours.stdout).toContain('sha256 trailer: DOES NOT MATCH');
    expect(row(ours.stdout.split(`${files.flipped}\n`)[1]!)[4]).toBe('corrupt');
  });

  it('exits 2 and names the file when one cannot be read, after printing the others', () => {
    const missing = join(work, 'no-such.db');
    const ours = runCli(['snapshot', files.small!, missing]);
    expect(ours.code).toBe(2);
    expect(ours.stderr).toBe(`kcheck: ${missing}: no such file\n`);
    expect(ours.stdout).toContain(files.small!);
  });

  it('looks for snapshots in a folder as --backups does', () => {
    const ours = JSON.parse(runCli(['snapshot', '--format', 'json', join(work, 'raw')]).stdout) as { file: string }[];
    expect(ours.map((r) => r.file)).toEqual([files.rawCopy]);
  });
});

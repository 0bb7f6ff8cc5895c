/**
 * Times kcheck's verification of a ~1 GB etcd snapshot against `sha256sum` of
 * the same file, in the same run. The snapshot is real: a Debian etcd is
 * filled with Kubernetes-shaped objects (many small ones, written in
 * transactions) and 1 MB values, and `etcdctl snapshot save` writes it.
 *
 *   npm run build && node build/test/bench/snapshot-verify.js [--size-mb 1024] [--snapshot FILE] [--runs 3]
 *
 * --snapshot FILE times that file, making it first (and keeping it) when it does not exist.
 * `openssl dgst -sha256` is timed too when openssl is installed: unlike
 * coreutils, it uses the CPU's SHA instructions, as Node's crypto does.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inspectSnapshot } from '../../src/sources/snapshot/index.js';
import { TestEtcd, etcdVersion, etcdctlStatus } from '../snapshot/etcd-harness.js';

const run = promisify(execFile);
const MB = 1_000_000;
const SMALL_OBJECTS = 60_000;
const SMALL_SIZE = 4_000;
const BIG_SIZE = 1_000_000;
/** etcd's default --max-txn-ops. */
const TXN_OPS = 128;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function makeSnapshot(targetBytes: number, work: string, file: string): Promise<string> {
  // etcd's WAL and db on tmpfs when there is one: the bench measures reading, not etcd's fsyncs.
  const dataDir = existsSync('/dev/shm') ? await mkdtemp('/dev/shm/kcheck-bench-etcd-') : join(work, 'data');
  const etcd = await TestEtcd.start({ dataDir, quotaBytes: 8 * 1024 ** 3 });
  try {
    const started = Date.now();
    const filler = randomBytes(BIG_SIZE);
    let written = 0;
    for (let i = 0; i < SMALL_OBJECTS; i += TXN_OPS) {
      const puts = [];
      for (let j = i; j < Math.min(SMALL_OBJECTS, i + TXN_OPS); j++) {
        const value = Buffer.concat([Buffer.from('k8s\0'), filler.subarray(j % 1000, (j % 1000) + SMALL_SIZE)]);
        puts.push({ key: `/registry/configmaps/ns-${j % 40}/cm-${j}`, value });
      }
      await etcd.txnPut(puts);
      written += puts.length * SMALL_SIZE;
    }
    const bigKeys = Math.max(0, Math.ceil((targetBytes - written) / BIG_SIZE));
    const queue = Array.from({ length: bigKeys }, (_, i) => i);
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
          filler.writeUInt32LE(i, 0);
          await etcd.put(`/registry/secrets/bulk/blob-${i}`, Buffer.concat([Buffer.from('k8s:enc:aescbc:v1:key1:'), filler]));
        }
      }),
    );
    console.log(`wrote ${SMALL_OBJECTS} objects of ${SMALL_SIZE} B and ${bigKeys} of ${BIG_SIZE / MB} MB in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const saveStarted = Date.now();
    await etcd.snapshot(file);
    console.log(`etcdctl snapshot save: ${((Date.now() - saveStarted) / 1000).toFixed(1)} s`);
    return file;
  } finally {
    await etcd.cleanup();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, value };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const sizeMb = Number(arg('--size-mb') ?? 1024);
  const runs = Number(arg('--runs') ?? 3);
  const work = await mkdtemp(join(tmpdir(), 'kcheck-bench-'));
  try {
    const given = arg('--snapshot');
    const file = given && existsSync(given) ? given : await makeSnapshot(sizeMb * MB, work, given ?? join(work, 'bench-snapshot.db'));
    const size = (await stat(file)).size;
    console.log(`snapshot: ${file}, ${(size / MB).toFixed(0)} MB; etcd ${await etcdVersion()}; node ${process.version}`);

    await run('sha256sum', [file]); // warm the page cache for both
    const sha: number[] = [];
    const openssl: number[] = [];
    const hasOpenssl = await run('openssl', ['version']).then(() => true, () => false);
    const ours: number[] = [];
    let report = await inspectSnapshot(file);
    for (let i = 0; i < runs; i++) {
      sha.push((await timed(() => run('sha256sum', [file]))).seconds);
      if (hasOpenssl) openssl.push((await timed(() => run('openssl', ['dgst', '-sha256', file]))).seconds);
      const t = await timed(() => inspectSnapshot(file));
      ours.push(t.seconds);
      report = t.value;
    }
    if (report.verdict !== 'ok') throw new Error(`the bench snapshot is ${report.verdict}: ${JSON.stringify(report.problems)}`);
    const reference = await etcdctlStatus(file);
    const agrees =
      reference.hash === report.etcd!.hash &&
      reference.revision === report.etcd!.revision &&
      reference.totalKey === report.etcd!.totalKeys &&
      reference.totalSize === report.etcd!.totalSize;
    if (!agrees) throw new Error(`figures differ from etcdctl: ${JSON.stringify(reference)}`);

    const s = median(sha);
    const k = median(ours);
    const gb = size / 1e9;
    console.log(`sha256sum:              ${s.toFixed(2)} s (${(gb / s).toFixed(2)} GB/s)   runs: ${sha.map((x) => x.toFixed(2)).join(' ')}`);
    console.log(`kcheck verification:    ${k.toFixed(2)} s (${(gb / k).toFixed(2)} GB/s)   runs: ${ours.map((x) => x.toFixed(2)).join(' ')}`);
    if (hasOpenssl) {
      const o = median(openssl);
      console.log(`openssl dgst -sha256:    ${o.toFixed(2)} s (${(gb / o).toFixed(2)} GB/s)   runs: ${openssl.map((x) => x.toFixed(2)).join(' ')}`);
    }
    console.log(`ratio kcheck/sha256sum: ${(k / s).toFixed(2)}; per GB: kcheck ${(k / gb).toFixed(2)} s, sha256sum ${(s / gb).toFixed(2)} s`);
    console.log(`figures equal etcdctl's: hash ${report.etcd!.hash.toString(16)}, revision ${report.etcd!.revision}, ${report.etcd!.totalKeys} keys, ${report.bbolt!.pageCount} pages`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});

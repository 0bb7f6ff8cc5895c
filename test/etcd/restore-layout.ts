import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, utimesSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { promisify } from 'node:util';
import { etcdctl, freePorts } from '../snapshot/etcd-harness.js';

const run = promisify(execFile);

/**
 * An etcd binary (Debian's 3.4 by default, or a static 3.5/3.6 build) and the
 * shared libraries it links, copied into a node root so it can run chrooted
 * there: etcd then opens its data dir as it would on the node, every link
 * (absolute ones too) resolved inside the root, which is what the kubelet's
 * hostPath mount gives it.
 */
async function installEtcd(root: string, binary: string): Promise<void> {
  mkdirSync(join(root, 'usr/bin'), { recursive: true });
  copyFileSync(binary, join(root, 'usr/bin/etcd'));
  // ldd refuses a static binary (exit 1, "not a dynamic executable"): it needs no library.
  const libraries = await run('ldd', [binary]).then((r) => [...r.stdout.matchAll(/(\/\S+)/g)].map((m) => m[1]!), () => []);
  for (const file of libraries) {
    mkdirSync(join(root, dirname(file)), { recursive: true });
    copyFileSync(file, join(root, file));
  }
}

/** A real etcd started chrooted in `root` on `dataDir` (a path on the node), on free ports. */
export class ChrootedEtcd {
  private constructor(
    readonly clientUrl: string,
    private readonly proc: ChildProcess,
    private readonly log: string[],
  ) {}

  static async start(root: string, dataDir: string, binary = '/usr/bin/etcd'): Promise<ChrootedEtcd> {
    await installEtcd(root, binary);
    const [client, peer] = await freePorts(2);
    const clientUrl = `http://127.0.0.1:${client}`;
    const peerUrl = `http://127.0.0.1:${peer}`;
    const log: string[] = [];
    const proc = spawn('chroot', [root, '/usr/bin/etcd',
      '--data-dir', dataDir,
      '--listen-client-urls', clientUrl, '--advertise-client-urls', clientUrl,
      '--listen-peer-urls', peerUrl, '--initial-advertise-peer-urls', peerUrl, '--initial-cluster', `default=${peerUrl}`,
      '--logger', 'zap', '--log-level', 'error'], { stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout?.on('data', (d: Buffer) => log.push(d.toString()));
    proc.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
    const failed = new Promise<never>((_, reject) => {
      proc.once('error', (err) => reject(new Error(`chroot ${root} etcd could not start (needs root for chroot(2)): ${err.message}`)));
      proc.once('exit', (code) => reject(new Error(`chrooted etcd exited with code ${code}: ${log.join('').slice(-2000)}`)));
    });
    failed.catch(() => undefined);
    const etcd = new ChrootedEtcd(clientUrl, proc, log);
    await Promise.race([etcd.waitHealthy(), failed]);
    return etcd;
  }

  /** The value etcd serves for `key`, or null when it has none. */
  async get(key: string): Promise<string | null> {
    const r = await etcdctl(['--endpoints', this.clientUrl, 'get', key, '--print-value-only']);
    if (r.code !== 0) throw new Error(`etcdctl get ${key}: ${r.stderr}`);
    const value = r.stdout.replace(/\n$/, '');
    return value === '' ? null : value;
  }

  async put(key: string, value: string): Promise<void> {
    const r = await etcdctl(['--endpoints', this.clientUrl, 'put', key, value]);
    if (r.code !== 0) throw new Error(`etcdctl put ${key}: ${r.stderr}`);
  }

  /** `etcdctl snapshot save` (etcdctl 3.4 speaks the Maintenance API of 3.5 and 3.6 servers too). */
  async snapshot(file: string): Promise<void> {
    const r = await etcdctl(['--endpoints', this.clientUrl, 'snapshot', 'save', file]);
    if (r.code !== 0) throw new Error(`etcdctl snapshot save: ${r.stderr}`);
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise((resolve) => this.proc.once('exit', resolve));
    this.proc.kill('SIGTERM');
    await exited;
  }

  private async waitHealthy(): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        const body = (await (await fetch(`${this.clientUrl}/health`)).json()) as { health?: string };
        if (body.health === 'true') return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`chrooted etcd did not become healthy: ${this.log.join('').slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** What etcd serves for `key` when started on `dataDir` inside `root`, or why it did not start. */
export async function servedBy(root: string, dataDir: string, key: string, binary?: string): Promise<{ value: string | null } | { refused: string }> {
  let etcd: ChrootedEtcd;
  try {
    etcd = await ChrootedEtcd.start(root, dataDir, binary);
  } catch (err) {
    const message = (err as Error).message;
    if (message.startsWith('chrooted etcd exited')) return { refused: message };
    throw err;
  }
  try {
    return { value: await etcd.get(key) };
  } finally {
    await etcd.stop();
  }
}

/** `cp -r FROM TO` inside the root, as an operator copies a data dir (times not kept). */
export async function copyTree(root: string, from: string, to: string): Promise<void> {
  mkdirSync(dirname(join(root, to)), { recursive: true });
  await run('cp', ['-r', join(root, from), join(root, to)]);
}

/** `ln -s TARGET PATH` on the node. */
export function link(root: string, path: string, target: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  symlinkSync(target, join(root, path));
}

/** Dates the restore in `dir` (its raft snapshot file and WAL) as made at `when`. */
export function dateRestore(root: string, dir: string, when: Date): void {
  utimesSync(join(root, dir, 'member/snap/0000000000000001-0000000000000001.snap'), when, when);
  utimesSync(join(root, dir, 'member/wal/0000000000000000-0000000000000000.wal'), when, when);
}

/** The directory the kubelet gives etcd: hostPath.path plus the data dir's place under the mountPath. */
export function kubeletDataDir(wiring: { dataDir: string | null; mountPath: string; hostPath: string }): string {
  return posix.join(wiring.hostPath, posix.relative(wiring.mountPath, wiring.dataDir ?? 'default.etcd'));
}

/** The raft snapshot file `snapshot restore` writes for a single member. */
export const RESTORE_SNAP = 'member/snap/0000000000000001-0000000000000001.snap';
/** The WAL segment it writes. */
export const RESTORE_WAL = 'member/wal/0000000000000000-0000000000000000.wal';

/**
 * A restore's WAL segment cut after its last record: etcd preallocates 64 MB
 * of zeros, which a checked-in fixture does without. etcd 3.4 reads a
 * segment ending at a record boundary as whole (its decoder stops at EOF
 * there) and starts on it, serving the restored keys.
 */
export function walWithoutPreallocation(segment: Buffer): Buffer {
  let at = 0;
  while (at + 8 <= segment.length) {
    const lenField = segment.readBigUInt64LE(at);
    if (lenField === 0n) break;
    const pad = (lenField >> 56n) & 0x80n ? Number((lenField >> 56n) & 7n) : 0;
    at += 8 + Number(lenField & 0xffffffffffffffn) + pad;
  }
  return segment.subarray(0, at);
}

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

interface StartOptions {
  dataDir?: string;
  quotaBytes?: number;
  /** The etcd binary; Debian's etcd 3.4 on the PATH by default. */
  binary?: string;
  /** Client and peer ports; free ones by default. */
  ports?: [number, number];
  healthTimeoutMs?: number;
}

/**
 * A real single-member etcd (Debian's etcd-server) on 127.0.0.1 with random
 * ports and a temporary data dir. Keys are written through etcd's JSON
 * gateway (/v3/kv/*, base64 keys and values) so values can hold any bytes.
 */
export class TestEtcd {
  private constructor(
    readonly dir: string,
    readonly dataDir: string,
    readonly clientUrl: string,
    private readonly proc: ChildProcess,
    private readonly log: string[],
  ) {}

  static async start(options: StartOptions = {}): Promise<TestEtcd> {
    const dir = await mkdtemp(join(tmpdir(), 'kcheck-etcd-'));
    const dataDir = options.dataDir ?? join(dir, 'data');
    const [clientPort, peerPort] = options.ports ?? (await freePorts(2));
    const clientUrl = `http://127.0.0.1:${clientPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    const args = [
      '--name', 'default',
      '--data-dir', dataDir,
      '--listen-client-urls', clientUrl,
      '--advertise-client-urls', clientUrl,
      '--listen-peer-urls', peerUrl,
      '--initial-advertise-peer-urls', peerUrl,
      '--initial-cluster', `default=${peerUrl}`,
      '--logger', 'zap',
      '--log-level', 'error',
      '--quota-backend-bytes', String(options.quotaBytes ?? 8 * 1024 ** 3),
    ];
    const log: string[] = [];
    const proc = spawn(options.binary ?? 'etcd', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout?.on('data', (d: Buffer) => log.push(d.toString()));
    proc.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
    const failed = new Promise<never>((_, reject) => {
      proc.once('error', (err) => reject(new Error(`etcd could not start (is etcd-server installed? scripts/install-test-deps.sh): ${err.message}`)));
      proc.once('exit', (code) => reject(new Error(`etcd exited with code ${code}: ${log.join('').slice(-2000)}`)));
    });
    failed.catch(() => undefined);
    const etcd = new TestEtcd(dir, dataDir, clientUrl, proc, log);
    try {
      await Promise.race([etcd.waitHealthy(options.healthTimeoutMs ?? 20_000), failed]);
    } catch (err) {
      await etcd.cleanup();
      throw err;
    }
    return etcd;
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      const exited = new Promise((resolve) => this.proc.once('exit', resolve));
      this.proc.kill('SIGTERM');
      await exited;
    }
  }

  async cleanup(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Returns the revision of the write. */
  async put(key: string, value: Buffer | string, lease?: string): Promise<number> {
    const body: Record<string, string> = { key: b64(key), value: b64(value) };
    if (lease) body.lease = lease;
    const res = await this.call('/v3/kv/put', body);
    return Number((res.header as { revision: string }).revision);
  }

  /** Many puts in one transaction (at most etcd's --max-txn-ops, 128). */
  async txnPut(puts: { key: string; value: Buffer | string }[]): Promise<number> {
    const success = puts.map((p) => ({ requestPut: { key: b64(p.key), value: b64(p.value) } }));
    const res = await this.call('/v3/kv/txn', { success });
    return Number((res.header as { revision: string }).revision);
  }

  async del(key: string): Promise<number> {
    const res = await this.call('/v3/kv/deleterange', { key: b64(key) });
    return Number((res.header as { revision: string }).revision);
  }

  async compact(revision: number): Promise<void> {
    await this.call('/v3/kv/compaction', { revision: String(revision), physical: true });
  }

  async grantLease(ttlSeconds: number): Promise<string> {
    const res = await this.call('/v3/lease/grant', { TTL: String(ttlSeconds) });
    return String(res.ID);
  }

  async revision(): Promise<number> {
    const res = await this.call('/v3/kv/range', { key: b64('\0'), count_only: true });
    return Number((res.header as { revision: string }).revision);
  }

  /** `etcdctl snapshot save`: the file with its SHA-256 trailer. */
  async snapshot(file: string): Promise<void> {
    await etcdctl(['--endpoints', this.clientUrl, 'snapshot', 'save', file]);
  }

  /**
   * Makes etcd write its pending backend transaction to member/snap/db now,
   * instead of at the next --backend-batch-interval tick (100 ms): a snapshot
   * request commits the batch first (etcd mvcc/backend/backend.go, Snapshot:
   * `b.batchTx.Commit()`). The snapshot itself is thrown away.
   */
  async commit(): Promise<void> {
    const file = join(this.dir, 'commit.db');
    await this.snapshot(file);
    await rm(file, { force: true });
  }

  private async call(path: string, body: unknown): Promise<Record<string, unknown>> {
    const res = await fetch(`${this.clientUrl}${path}`, { method: 'POST', body: JSON.stringify(body) });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok || json.error) throw new Error(`etcd ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  /** Every key etcd serves (a range over the whole key space). */
  async rangeAll(): Promise<{ count: number; keys: number }> {
    const res = await this.call('/v3/kv/range', { key: b64('\0'), range_end: b64('\0') });
    return { count: Number(res.count ?? 0), keys: Array.isArray(res.kvs) ? res.kvs.length : 0 };
  }

  /** Adds a user and a role (auth stays off): fills etcd's authUsers and authRoles buckets. */
  async addUserAndRole(user: string, role: string): Promise<void> {
    await this.call('/v3/auth/role/add', { name: role });
    await this.call('/v3/auth/user/add', { name: user, password: 'secret-of-the-test' });
    await this.call('/v3/auth/user/grant', { user, role });
  }

  private async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const res = await fetch(`${this.clientUrl}/health`);
        const body = (await res.json()) as { health?: string };
        if (body.health === 'true') return;
      } catch {
        // not listening yet
      }
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) throw new Error('etcd exited before it became healthy');
      if (Date.now() > deadline) throw new Error(`etcd did not become healthy: ${this.log.join('').slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export interface EtcdctlStatus {
  hash: number;
  revision: number;
  totalKey: number;
  totalSize: number;
}

export interface EtcdctlResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs etcdctl (API v3); never throws for a non-zero exit. */
export async function etcdctl(args: string[], timeoutMs = 60_000): Promise<EtcdctlResult> {
  try {
    const { stdout, stderr } = await run('etcdctl', args, {
      env: { ...process.env, ETCDCTL_API: '3' },
      timeout: timeoutMs,
      maxBuffer: 64 << 20,
    });
    return { code: 0, stdout, stderr, timedOut: false };
  } catch (err) {
    const e = err as { code?: number | string; killed?: boolean; signal?: string; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === 'number' ? e.code : null,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? String(err),
      timedOut: Boolean(e.killed && e.signal === 'SIGTERM'),
    };
  }
}

/** `etcdctl snapshot status -w json FILE`, the reference figures. */
export async function etcdctlStatus(file: string): Promise<EtcdctlStatus> {
  const r = await etcdctl(['snapshot', 'status', '-w', 'json', file]);
  if (r.code !== 0) throw new Error(`etcdctl snapshot status ${file} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as EtcdctlStatus;
}

export async function etcdctlRestore(snapshot: string, dataDir: string): Promise<void> {
  const r = await etcdctl(['snapshot', 'restore', snapshot, '--data-dir', dataDir]);
  if (r.code !== 0) throw new Error(`etcdctl snapshot restore failed: ${r.stderr}`);
}

export async function etcdVersion(): Promise<string> {
  const { stdout } = await run('etcd', ['--version']);
  return /etcd Version: (\S+)/.exec(stdout)?.[1] ?? stdout.trim();
}

function b64(v: Buffer | string): string {
  return (typeof v === 'string' ? Buffer.from(v, 'utf8') : v).toString('base64');
}

/** Ports the OS hands out, all held open together so they differ. */
export async function freePorts(n: number): Promise<number[]> {
  const servers = Array.from({ length: n }, () => createServer());
  const ports = await Promise.all(
    servers.map(
      (server) =>
        new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => {
            const address = server.address();
            resolve(typeof address === 'object' && address ? address.port : 0);
          });
        }),
    ),
  );
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

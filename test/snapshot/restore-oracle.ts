import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestEtcd, freePorts } from './etcd-harness.js';
import type { EtcdRelease } from './etcd-releases.js';

/** How far a file got: restored, then etcd started on it, then every key read back. */
type OracleStage = 'restore' | 'start' | 'serve' | 'served';

export interface OracleAnswer {
  accepted: boolean;
  /** The stage that refused the file, or `served`. */
  stage: OracleStage;
  /** Keys etcd served after the restore (when accepted). */
  keys?: number;
  detail: string;
}

/**
 * What etcd itself does with a snapshot file: `snapshot restore` (with
 * --skip-hash-check when the file has no SHA-256 trailer, as etcdutl decides:
 * size % 512 == 32), then the same release's etcd started on the restored data
 * dir, then a range over every key. Any refusal at any stage is a refusal.
 */
export async function restoreAndServe(release: EtcdRelease, file: string): Promise<OracleAnswer> {
  const work = await mkdtemp(join(tmpdir(), `kcheck-oracle-${release.minor}-`));
  try {
    const size = (await stat(file)).size;
    const hasTrailer = size > 32 && size % 512 === 32;
    const [clientPort, peerPort] = await freePorts(2);
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    const dataDir = join(work, 'restored');
    const restored = await release.restore(file, dataDir, peerUrl, !hasTrailer);
    if (!restored.ok) return { accepted: false, stage: 'restore', detail: lastLines(restored.output) };
    let etcd: TestEtcd;
    try {
      etcd = await TestEtcd.start({ binary: release.etcd, dataDir, ports: [clientPort!, peerPort!], healthTimeoutMs: 15_000 });
    } catch (err) {
      return { accepted: false, stage: 'start', detail: lastLines(String(err instanceof Error ? err.message : err)) };
    }
    try {
      const { count } = await etcd.rangeAll();
      return { accepted: true, stage: 'served', keys: count, detail: '' };
    } catch (err) {
      return { accepted: false, stage: 'serve', detail: lastLines(String(err instanceof Error ? err.message : err)) };
    } finally {
      await etcd.cleanup();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join('\n').slice(-600);
}

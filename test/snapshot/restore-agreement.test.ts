import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotJson } from '../../src/report/snapshot-status.js';
import { inspectSnapshot } from '../../src/sources/snapshot/index.js';
import type { SnapshotReport } from '../../src/sources/snapshot/types.js';
import { TestEtcd, etcdctl } from './etcd-harness.js';
import { type EtcdRelease, etcdReleases } from './etcd-releases.js';
import { mutate } from './mutations.js';
import { occurrences } from './page-surgery.js';
import { type OracleAnswer, restoreAndServe } from './restore-oracle.js';

/*
 * kcheck's verdict against what etcd does: each file is judged by kcheck and
 * by `snapshot restore` + a started etcd serving every key (restore-oracle.ts),
 * for snapshots written by etcd 3.4, 3.5 and 3.6. kcheck may be stricter than
 * etcd, never looser: a file restore or etcd refuses is never called sound.
 *
 * npm test runs a seeded sample (KCHECK_SNAPSHOT_MUTATIONS per file, 5 by
 * default); `npm run fuzz:snapshots` runs many more and prints the figures.
 */
const PER_FILE = Number(process.env.KCHECK_SNAPSHOT_MUTATIONS ?? 5);
const SEED = Number(process.env.KCHECK_SNAPSHOT_SEED ?? 12);
const SUMMARY = process.env.KCHECK_SNAPSHOT_SUMMARY;

const proto = (s: string) => Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.from(s)]);
const WIRE_MARKER = 'WIRETYPE-MARKER-VALUE';

let work: string;
const releases: EtcdRelease[] = etcdReleases();
/** Per release: a snapshot with its trailer, and a raw copy of member/snap/db. */
const bases = new Map<string, { snapshot: string; raw: string; lease: string }>();

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kcheck-agreement-'));
  for (const release of releases) {
    const etcd = await TestEtcd.start({ binary: release.etcd });
    try {
      for (let i = 0; i < 120; i++) await etcd.put(`/registry/configmaps/ns${i % 4}/cm-${i}`, proto(`configmap ${i} ${'x'.repeat(300)}`));
      await etcd.put('/registry/configmaps/default/big', proto('y'.repeat(20_000)));
      const lease = await etcd.grantLease(3600);
      await etcd.put('/registry/events/default/e1', proto('event'), lease);
      await etcd.put('/registry/configmaps/default/wiretype', WIRE_MARKER);
      await etcd.addUserAndRole('backup-reader', 'reader');
      for (let i = 0; i < 10; i++) await etcd.del(`/registry/configmaps/ns${i % 4}/cm-${i}`);
      await etcd.compact(await etcd.revision());
      await etcd.put('/registry/namespaces/default', proto('default'));
      const snapshot = join(work, `${release.minor}-snapshot.db`);
      const saved = await etcdctl(['--endpoints', etcd.clientUrl, 'snapshot', 'save', snapshot]);
      if (saved.code !== 0) throw new Error(`etcdctl snapshot save from etcd ${release.version}: ${saved.stderr}`);
      await etcd.stop();
      const raw = join(work, `${release.minor}-raw.db`);
      await copyFile(join(etcd.dataDir, 'member', 'snap', 'db'), raw);
      bases.set(release.minor, { snapshot, raw, lease });
    } finally {
      await etcd.cleanup();
    }
  }
}, 300_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const sound = (r: SnapshotReport) => r.verdict === 'ok' || r.verdict === 'unverifiable';

async function judge(release: EtcdRelease, name: string, bytes: Buffer): Promise<{ report: SnapshotReport; oracle: OracleAnswer }> {
  const file = join(work, name);
  await writeFile(file, bytes);
  const report = await inspectSnapshot(file);
  const oracle = await restoreAndServe(release, file);
  await rm(file, { force: true });
  return { report, oracle };
}

function varint(n: bigint): number[] {
  const out: number[] = [];
  for (let v = n; ; v >>= 7n) {
    if (v < 0x80n) return [...out, Number(v)];
    out.push(Number(v & 0x7fn) | 0x80);
  }
}

function withTrailer(data: Buffer): Buffer {
  return Buffer.concat([data, createHash('sha256').update(data).digest()]);
}

describe.each(releases.map((r) => [r.minor, r] as const))('snapshots of etcd %s', (minor, release) => {
  it('reads the files etcd wrote as sound, with the figures etcd prints and the keys it serves', async () => {
    const { snapshot, raw } = bases.get(minor)!;
    for (const file of [snapshot, raw]) {
      const report = await inspectSnapshot(file);
      expect(report.problems).toEqual([]);
      expect(report.warnings).toEqual([]);
      expect(report.verdict).toBe(file === snapshot ? 'ok' : 'unverifiable');
      const oracle = await restoreAndServe(release, file);
      expect(oracle).toMatchObject({ accepted: true, keys: report.etcd!.liveKeys });
    }
    // TOTAL KEYS as the release's own `snapshot status` prints it (3.6: live keys).
    const status = await release.status(snapshot);
    expect(status.ok).toBe(true);
    const ours = (JSON.parse(snapshotJson([await inspectSnapshot(snapshot)])) as { status: Record<string, unknown> }[])[0]!.status;
    const theirs = JSON.parse(status.stdout) as Record<string, unknown>;
    expect(ours).toEqual(theirs);
  });

  it('calls a KeyValue with a known field of the wrong wire type corrupt, as etcd refuses it', async () => {
    const { snapshot } = bases.get(minor)!;
    const original = await readFile(snapshot);
    const data = Buffer.from(original.subarray(0, original.length - 32));
    // Field 5 (Value) is tag 0x2a (wire type 2); 0x2d says wire type 5. Stale copies in free pages change too.
    let changed = 0;
    for (const at of occurrences(data, WIRE_MARKER)) {
      if (data[at - 2] === 0x2a && data[at - 1] === WIRE_MARKER.length) {
        data[at - 2] = 0x2d;
        changed++;
      }
    }
    expect(changed).toBeGreaterThan(0);
    const { report, oracle } = await judge(release, 'wiretype.db', withTrailer(data));
    expect(report.verdict).toBe('corrupt');
    expect(report.problems.map((p) => p.message)).toContainEqual(expect.stringContaining('proto: wrong wireType = 5 for field Value'));
    expect(oracle.accepted).toBe(false);
  });

  it('calls a members key that is no hex member id corrupt (etcdutl 3.5 and 3.6 restore panic on it)', async () => {
    const { snapshot } = bases.get(minor)!;
    const original = await readFile(snapshot);
    const id = (await inspectSnapshot(snapshot)).etcd!.members[0]!.id;
    const data = Buffer.from(original.subarray(0, original.length - 32));
    for (const at of occurrences(data, id)) data[at + id.length - 1] = 0x7a; // 'z'
    const { report, oracle } = await judge(release, 'member-key.db', withTrailer(data));
    expect(report.verdict).toBe('corrupt');
    expect(report.problems.map((p) => p.message)).toContainEqual(expect.stringMatching(/^members bucket: key ".*" is not a member id in hex/));
    if (minor !== '3.4') expect(oracle.accepted).toBe(false);
  });

  it('calls a lease with a field of the wrong wire type corrupt, as the starting etcd refuses it', async () => {
    const { snapshot, lease } = bases.get(minor)!;
    const original = await readFile(snapshot);
    const data = Buffer.from(original.subarray(0, original.length - 32));
    // leasepb.Lease: ID (field 1, varint), TTL (field 2, tag 0x10) = 3600 (0x90 0x1c); 0x15 says fixed32.
    const pattern = Buffer.from([0x08, ...varint(BigInt(lease)), 0x10, 0x90, 0x1c]);
    let changed = 0;
    for (let at = data.indexOf(pattern); at >= 0; at = data.indexOf(pattern, at + 1)) {
      data[at + pattern.length - 3] = 0x15;
      changed++;
    }
    expect(changed).toBeGreaterThan(0);
    const { report, oracle } = await judge(release, 'lease.db', withTrailer(data));
    expect(report.verdict).toBe('corrupt');
    expect(report.problems.map((p) => p.message)).toContainEqual(expect.stringContaining('no valid leasepb.Lease (proto: wrong wireType = 5 for field TTL)'));
    expect(oracle.accepted).toBe(false);
  });

  it('calls a file with one damaged meta page ok with a warning, as bbolt reads the other one', async () => {
    const { snapshot } = bases.get(minor)!;
    const original = await readFile(snapshot);
    const data = Buffer.from(original.subarray(0, original.length - 32));
    data[16 + 48] = data[16 + 48]! ^ 0x04; // the txid of meta page 0
    const { report, oracle } = await judge(release, 'meta0.db', withTrailer(data));
    expect(report.problems).toEqual([]);
    expect(report.verdict).toBe('ok');
    expect(report.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^meta page 0: checksum mismatch .*; bbolt opens the database through meta page 1, which leads to the same data$/)]);
    expect(oracle).toMatchObject({ accepted: true, keys: report.etcd!.liveKeys });
  });
});

interface Outcome {
  release: string;
  base: string;
  seed: number;
  what: string;
  kcheck: string;
  warnings: number;
  oracle: string;
  /** Keys the restored etcd served, and the keys of the file before the mutation. */
  servedKeys?: number;
  keysBefore: number;
  /** kcheck's first problems or warnings, and what etcd said when it refused. */
  why: string[];
}

describe('seeded mutations judged by kcheck and by restore + a started etcd', () => {
  it(`never calls a file sound that restore or etcd refuses (${PER_FILE} per file, seed ${SEED})`, async () => {
    const outcomes: Outcome[] = [];
    const looser: string[] = [];
    for (const release of releases) {
      const { snapshot, raw } = bases.get(release.minor)!;
      for (const [base, file] of [['snapshot', snapshot], ['raw', raw]] as const) {
        const original = await readFile(file);
        const keysBefore = (await inspectSnapshot(file)).etcd!.liveKeys;
        for (let i = 0; i < PER_FILE; i++) {
          const seed = SEED * 100_000 + i * 7 + (base === 'raw' ? 1 : 0) + Number(release.minor.slice(2)) * 10_000;
          const mutation = mutate(original, base === 'snapshot', seed);
          const { report, oracle } = await judge(release, `mutated-${release.minor}-${base}.db`, mutation.bytes);
          const outcome: Outcome = {
            release: release.version,
            base,
            seed,
            what: mutation.what,
            kcheck: report.verdict,
            warnings: report.warnings.length,
            oracle: oracle.stage,
            ...(oracle.keys === undefined ? {} : { servedKeys: oracle.keys }),
            keysBefore,
            why: [...report.problems, ...report.warnings].slice(0, 3).map((p) => p.message).concat(oracle.detail ? [oracle.detail] : []),
          };
          outcomes.push(outcome);
          const where = `${release.version} ${base} seed ${seed} (${mutation.what})`;
          if (sound(report) && !oracle.accepted) looser.push(`${where}: kcheck says ${report.verdict}, etcd refused at ${oracle.stage}: ${oracle.detail}`);
          if (sound(report) && oracle.accepted && oracle.keys !== report.etcd?.liveKeys) {
            looser.push(`${where}: kcheck counts ${report.etcd?.liveKeys} live keys, etcd served ${oracle.keys}`);
          }
        }
      }
    }
    const figures = summarise(outcomes);
    console.log(`snapshot mutations: ${JSON.stringify(figures)}`);
    if (SUMMARY) await writeFile(SUMMARY, `${JSON.stringify({ figures, outcomes }, null, 2)}\n`);
    expect(looser).toEqual([]);
    expect(outcomes.length).toBe(releases.length * 2 * PER_FILE);
  }, 60_000 + PER_FILE * 6 * 20_000);
});

function summarise(outcomes: Outcome[]) {
  const count = (f: (o: Outcome) => boolean) => outcomes.filter(f).length;
  const kSound = (o: Outcome) => o.kcheck === 'ok' || o.kcheck === 'unverifiable';
  const eSound = (o: Outcome) => o.oracle === 'served';
  return {
    files: outcomes.length,
    agreeSound: count((o) => kSound(o) && eSound(o)),
    agreeRefused: count((o) => !kSound(o) && !eSound(o)),
    // etcd restored and served the file, but not the keys it held: kcheck's `corrupt` is the truth there.
    etcdServedOtherKeys: count((o) => !kSound(o) && eSound(o) && o.servedKeys !== o.keysBefore),
    kcheckStricter: count((o) => !kSound(o) && eSound(o) && o.servedKeys === o.keysBefore),
    kcheckLooser: count((o) => kSound(o) && !eSound(o)),
    soundWithWarnings: count((o) => kSound(o) && o.warnings > 0),
    refusedAt: {
      restore: count((o) => o.oracle === 'restore'),
      start: count((o) => o.oracle === 'start'),
      serve: count((o) => o.oracle === 'serve'),
    },
  };
}

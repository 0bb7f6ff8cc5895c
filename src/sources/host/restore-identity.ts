import { posix } from 'node:path';
import { isMissing, type NodeRoot, rootReason } from '../root/node-root.js';
import type { DataIdentity } from './types.js';
import { decodeWalRecords, protoFields, uintField, WAL_ENTRY, WAL_METADATA, WAL_SNAPSHOT, WAL_STATE } from './wal-records.js';

/**
 * Bytes read from the start of the oldest WAL segment. A restore writes its
 * metadata, one ConfChange entry per member (about 150 bytes each), a hard
 * state and a snapshot record; 1 MiB holds that for any cluster etcd allows
 * and the first elections after it.
 */
const WAL_READ_BYTES = 1 << 20;

/** etcd names segments `<seq>-<raft index>.wal` in 16 hex digits (server/storage/wal/util.go, walName). */
const SEGMENT = /^([0-9a-f]{16})-([0-9a-f]{16})\.wal$/;

/** etcd prints member and cluster IDs as hex without leading zeros (client/pkg/types/id.go, ID.String). */
const hexId = (v: bigint | undefined): string => (v ?? 0n).toString(16);

/**
 * Who the data in `dir` belongs to, from its WAL: the member and cluster ID
 * in the metadata record (etcdserverpb.Metadata {NodeID = 1, ClusterID = 2},
 * api/etcdserverpb/etcdserver.proto:6), and whether `snapshot restore`
 * wrote it. etcdutl (and etcdctl 3.4) restore creates a new WAL holding one
 * ConfChange entry per member at term 1, a hard state at term 1 and then a
 * snapshot record at that index and term 1 (etcdutl/snapshot/v3_snapshot.go:508
 * saveWALAndSnap, lines 563 and 577, at c34dc7ee0; clientv3/snapshot/v3_snapshot.go
 * in v3.4). A member etcd bootstrapped itself writes the same entries but no
 * snapshot record until --snapshot-count entries later, and by then it has
 * held an election (term 2). So a term-1 snapshot record in the first
 * segment is a restore's mark. Member and cluster IDs alone do not tell a
 * restore from the original: both are hashes of the peer URLs and
 * --initial-cluster-token (server/etcdserver/api/membership/member.go:63,
 * computeMemberID; cluster.go:231, genID), so a restore with etcd.yaml's
 * --name, --initial-cluster and --initial-advertise-peer-urls gets the IDs of
 * the cluster kubeadm made.
 */
export async function readDataIdentity(root: NodeRoot, dir: string): Promise<DataIdentity | { problem: string } | null> {
  const walDir = posix.join(dir, 'member', 'wal');
  let names: string[];
  try {
    names = (await root.list(walDir)).filter((n) => SEGMENT.test(n)).sort();
  } catch (err) {
    if (isMissing(err)) return null;
    return { problem: `cannot list ${root.display(walDir)}: ${rootReason(err)}` };
  }
  const first = names[0];
  if (first === undefined) return null;
  const walPath = posix.join(walDir, first);
  let buf: Buffer;
  let size: number;
  let walMtime: Date;
  try {
    const opened = await root.open(walPath);
    try {
      size = opened.info.size;
      walMtime = opened.info.mtime;
      const want = Math.min(size, WAL_READ_BYTES);
      buf = Buffer.alloc(want);
      let got = 0;
      while (got < want) {
        const { bytesRead } = await opened.handle.read(buf, got, want - got, got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      buf = buf.subarray(0, got);
    } finally {
      await opened.handle.close();
    }
  } catch (err) {
    return { problem: `cannot read ${root.display(walPath)}: ${rootReason(err)}` };
  }
  const decoded = decodeWalRecords(buf, buf.length === size);
  const meta = decoded.records.find((r) => r.type === WAL_METADATA);
  if (!meta) return { problem: `${root.display(walPath)} has no metadata record${decoded.problem ? `: ${decoded.problem}` : ''}` };
  let metadata;
  try {
    metadata = protoFields(meta.data);
  } catch (err) {
    return { problem: `${root.display(walPath)}: the metadata record cannot be decoded: ${(err as Error).message}` };
  }
  let highestTerm = 0n;
  let restoredIndex: bigint | null = null;
  const fromStart = SEGMENT.exec(first)![2] === '0000000000000000';
  for (const record of decoded.records) {
    try {
      // raftpb.Entry {Term = 2, Index = 3}; raftpb.HardState {Term = 1}; walpb.Snapshot {Index = 1, Term = 2}.
      if (record.type === WAL_ENTRY) highestTerm = bigMax(highestTerm, uintField(protoFields(record.data), 2) ?? 0n);
      else if (record.type === WAL_STATE) highestTerm = bigMax(highestTerm, uintField(protoFields(record.data), 1) ?? 0n);
      else if (record.type === WAL_SNAPSHOT && fromStart && highestTerm <= 1n && restoredIndex === null) {
        const snap = protoFields(record.data);
        const index = uintField(snap, 1) ?? 0n;
        if (index > 0n && uintField(snap, 2) === 1n) restoredIndex = index;
      }
    } catch (err) {
      return { problem: `${root.display(walPath)}: a record cannot be decoded: ${(err as Error).message}` };
    }
  }
  const identity: DataIdentity = {
    memberId: hexId(uintField(metadata, 1)),
    clusterId: hexId(uintField(metadata, 2)),
    wal: root.display(walPath),
    restore: null,
    started: highestTerm > 1n,
  };
  if (restoredIndex !== null) identity.restore = { members: Number(restoredIndex), ...(await restoreTime(root, dir, restoredIndex, walMtime)) };
  return identity;
}

function bigMax(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/**
 * When the restore was made: the time of the raft snapshot file it wrote,
 * member/snap/<term 1>-<index>.snap, which etcd never writes again (it
 * removes it once --max-snapshots newer ones exist); without it, the WAL
 * segment's time, which is the restore's until etcd appends to it.
 */
async function restoreTime(root: NodeRoot, dir: string, index: bigint, walMtime: Date): Promise<{ at: string; atFrom: 'snap file' | 'WAL file' }> {
  const snap = posix.join(dir, 'member', 'snap', `${(1).toString(16).padStart(16, '0')}-${index.toString(16).padStart(16, '0')}.snap`);
  try {
    const info = await root.stat(snap);
    if (info.isFile()) return { at: info.mtime.toISOString(), atFrom: 'snap file' };
  } catch {
    // Gone or unreadable: the WAL segment's time is the next best.
  }
  return { at: walMtime.toISOString(), atFrom: 'WAL file' };
}

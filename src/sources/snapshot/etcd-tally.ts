import { Crc32c } from './crc32c.js';
import { type LiveValue, buildKubernetesView, classifyValue } from './kubernetes-view.js';
import { decodeKeyValue, etcdReadsRevision, parseRevisionKey, revisionKeyPanic } from './mvcc.js';
import { checkBucketEntry } from './etcd-buckets.js';
import type { ProblemLog } from './problem-log.js';
import type { BucketSummary, EtcdFigures, EtcdMember, KubernetesView } from './types.js';

/**
 * Computes what `etcdctl snapshot status` prints, the way it does
 * (etcdutl/snapshot/v3_snapshot.go Status): a CRC-32C over each bucket name
 * followed by its keys and values in cursor order (a nested bucket contributes
 * its key only, bbolt hands it a nil value), REVISION from the last `key`
 * entry, TOTAL KEYS as every entry of every bucket (3.4/3.5) or distinct live
 * user keys (3.6, etcd-io/etcd#19344), TOTAL SIZE as pages × page size.
 * It also reads etcd's `meta` and `members` buckets and keeps, per live key, what
 * the Kubernetes view needs.
 */
export class EtcdTally {
  private readonly crc = new Crc32c();
  private readonly buckets: BucketSummary[] = [];
  private readonly live = new Map<string, LiveValue>();
  private readonly members: EtcdMember[] = [];
  private revision = 0;
  private totalKeys = 0;
  private keyRevisions = 0;
  private tombstones = 0;
  private consistentIndex?: number;
  private term?: number;
  private compactRevision?: number;
  private scheduledCompactRevision?: number;
  private storageVersion?: string;
  private current: BucketSummary | null = null;
  private currentName = '';

  constructor(private readonly log: ProblemLog) {}

  startBucket(name: Buffer): void {
    this.crc.update(name);
    this.currentName = name.toString('latin1');
    this.current = { name: name.toString('utf8'), entries: 0 };
    this.buckets.push(this.current);
  }

  entry(key: Buffer, value: Buffer, isBucket: boolean): void {
    this.crc.update(key);
    if (!isBucket) this.crc.update(value);
    this.totalKeys++;
    if (this.current) this.current.entries++;
    if (isBucket) return;
    checkBucketEntry(this.currentName, key, value, this.log);
    switch (this.currentName) {
      case 'key':
        this.keyEntry(key, value);
        break;
      case 'meta':
        this.metaEntry(key, value);
        break;
      case 'members':
        this.memberEntry(key, value);
        break;
    }
  }

  figures(totalSize: number, complete: boolean): EtcdFigures {
    const figures: EtcdFigures = {
      hash: this.crc.value(),
      revision: this.revision,
      latestRevision: Math.max(this.revision, this.compactRevision ?? 0),
      totalKeys: this.totalKeys,
      liveKeys: this.live.size,
      totalSize,
      keyRevisions: this.keyRevisions,
      tombstones: this.tombstones,
      members: this.members,
      buckets: this.buckets,
      complete,
    };
    if (this.compactRevision !== undefined) figures.compactRevision = this.compactRevision;
    if (this.scheduledCompactRevision !== undefined) figures.scheduledCompactRevision = this.scheduledCompactRevision;
    if (this.consistentIndex !== undefined) figures.consistentIndex = this.consistentIndex;
    if (this.term !== undefined) figures.term = this.term;
    if (this.storageVersion !== undefined) figures.storageVersion = this.storageVersion;
    return figures;
  }

  kubernetes(): KubernetesView {
    return buildKubernetesView(this.live);
  }

  private keyEntry(key: Buffer, value: Buffer): void {
    this.keyRevisions++;
    // etcdctl reads the main revision from the first 8 bytes whatever follows.
    if (key.length >= 17) this.revision = Number(key.readBigUInt64BE(0));
    const shown = `0x${key.subarray(0, 32).toString('hex')}`;
    if (!etcdReadsRevision(key)) {
      this.log.tolerate('etcd', `key bucket: key ${shown} sorts outside the revisions etcd loads (main 1 to 2^63-1): etcd never reads it`);
      return;
    }
    const panic = revisionKeyPanic(key);
    if (panic) {
      this.log.add('etcd', `key bucket: key ${shown} is not a revision (main '_' sub ['t']): etcd panics when it starts (${panic})`);
      return;
    }
    const rev = parseRevisionKey(key);
    if (!rev) {
      this.log.add('etcd', `key bucket: key ${shown} ends in 0x${key[17]!.toString(16)}, not the 't' of a deletion: etcd would read it as a write, not a deletion`);
      return;
    }
    const kv = decodeKeyValue(value);
    if (typeof kv === 'string') {
      this.log.add('etcd', `key bucket: revision ${rev.main}_${rev.sub} holds no valid mvccpb.KeyValue (${kv}): etcd stops when it starts ("failed to unmarshal mvccpb.KeyValue")`);
      return;
    }
    if (kv.modRevision !== 0 && kv.modRevision !== rev.main) {
      this.log.tolerate('etcd', `key bucket: revision ${rev.main}_${rev.sub} holds a value written at revision ${kv.modRevision}; etcd serves it as it is`);
    }
    const name = kv.key.toString('latin1');
    if (rev.tombstone) {
      this.tombstones++;
      this.live.delete(name);
    } else {
      this.live.set(name, classifyValue(kv.value));
    }
  }

  /** etcd's meta bucket (server/storage/schema/keys.go, cindex.go, version.go). */
  private metaEntry(key: Buffer, value: Buffer): void {
    switch (key.toString('latin1')) {
      case 'consistent_index':
        if (value.length >= 8) this.consistentIndex = Number(value.readBigUInt64BE(0));
        break;
      case 'term':
        if (value.length >= 8) this.term = Number(value.readBigUInt64BE(0));
        break;
      case 'finishedCompactRev':
        if (value.length >= 8) this.compactRevision = Number(value.readBigUInt64BE(0));
        break;
      case 'scheduledCompactRev':
        if (value.length >= 8) this.scheduledCompactRevision = Number(value.readBigUInt64BE(0));
        break;
      case 'storageVersion':
        this.storageVersion = value.toString('utf8');
        break;
    }
  }

  /** members bucket: key is the member id in hex, value the membership.Member JSON. */
  private memberEntry(key: Buffer, value: Buffer): void {
    const member: EtcdMember = { id: key.toString('latin1'), peerURLs: [], clientURLs: [], isLearner: false };
    try {
      const parsed = JSON.parse(value.toString('utf8')) as Record<string, unknown>;
      if (typeof parsed.name === 'string' && parsed.name) member.name = parsed.name;
      member.peerURLs = stringList(parsed.peerURLs);
      member.clientURLs = stringList(parsed.clientURLs);
      member.isLearner = parsed.isLearner === true;
    } catch {
      // Restore deletes the snapshot's members unread and writes its own (membership.go TrimMembershipFromBackend).
      this.log.tolerate('etcd', `members bucket: member ${member.id} is not valid JSON; restore replaces the member list without reading it`);
    }
    this.members.push(member);
  }
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

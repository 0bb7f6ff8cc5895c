import { ALARM_MEMBER, AUTH_ROLE, AUTH_USER, LEASE, type ProtoMessage, decodeProto } from './gogo-proto.js';
import { revisionKeyPanic } from './mvcc.js';
import type { ProblemLog } from './problem-log.js';

/**
 * What `etcdutl snapshot restore` and a starting etcd read from etcd's other
 * buckets, and where they panic on what they read. Sources are
 * go.etcd.io/etcd/server/v3@v3.6.5 server/storage/schema/*.go (3.5.35 reads
 * the same keys the same way); the line is named at each check.
 */
export function checkBucketEntry(bucket: string, key: Buffer, value: Buffer, log: ProblemLog): void {
  switch (bucket) {
    case 'meta':
      return checkMeta(key, value, log);
    case 'members':
    case 'members_removed':
      return checkMemberKey(bucket, key, log);
    case 'lease':
      return checkLease(key, value, log);
    case 'authUsers':
      return checkProto(bucket, key, value, AUTH_USER, 'authpb.User', log);
    case 'authRoles':
      return checkProto(bucket, key, value, AUTH_ROLE, 'authpb.Role', log);
    case 'auth':
      // auth.go line 143: UnsafeReadAuthRevision reads 8 bytes.
      if (key.toString('latin1') === 'authRevision' && value.length < 8) {
        log.add('etcd', `auth bucket: authRevision is ${value.length} bytes, not 8: etcd panics reading it when it starts`);
      }
      return;
    case 'alarm':
      return checkAlarm(key, log);
    case 'cluster':
      return checkCluster(key, value, log);
  }
}

function checkMeta(key: Buffer, value: Buffer, log: ProblemLog): void {
  const name = key.toString('latin1');
  switch (name) {
    case 'consistent_index':
    case 'term':
      // cindex.go lines 45 and 50: binary.BigEndian.Uint64 of the stored
      // bytes (a shorter value panics; a longer one is read by its first 8).
      // etcdutl 3.5 restore reads both before it rewrites them.
      if (value.length < 8) log.add('etcd', `meta bucket: ${name} is ${value.length} bytes, not 8: restore and etcd panic reading it`);
      return;
    case 'finishedCompactRev':
    case 'scheduledCompactRev': {
      // storage/mvcc/store.go UnsafeReadFinishedCompact/UnsafeReadScheduledCompact: BytesToRev(value).
      const panic = revisionKeyPanic(value);
      if (panic) log.add('etcd', `meta bucket: ${name} is not a revision (${panic}): etcd panics reading it when it starts`);
      return;
    }
    case 'confState':
      // confstate.go line 53: json.Unmarshal into raftpb.ConfState, a panic on error.
      if (!isConfState(value)) log.add('etcd', 'meta bucket: confState is not the JSON of a raft ConfState: etcd panics reading it when it starts');
      return;
  }
}

/**
 * membership.go line 193: `types.IDFromString(string(key))`, which is
 * strconv.ParseUint(key, 16, 64); a key that fails makes restore panic with
 * "failed to parse member id from key" (TrimMembershipFromBackend, line 137).
 * Member values are not read: restore deletes them and writes its own members.
 */
function checkMemberKey(bucket: string, key: Buffer, log: ProblemLog): void {
  const text = key.toString('latin1');
  // Leading zeros are allowed; what is left must fit in 64 bits (16 hex digits).
  if (/^[0-9a-fA-F]+$/.test(text) && text.replace(/^0+/, '').length <= 16) return;
  log.add('etcd', `${bucket} bucket: key ${JSON.stringify(text.slice(0, 40))} is not a member id in hex: restore panics ("failed to parse member id from key")`);
}

/** lease.go lines 33-35: every lease is unmarshalled when etcd starts; its key is the 8-byte lease id (bytesToLeaseID, line 79). */
function checkLease(key: Buffer, value: Buffer, log: ProblemLog): void {
  if (key.length !== 8) {
    log.add('etcd', `lease bucket: key 0x${key.subarray(0, 16).toString('hex')} is ${key.length} bytes, not an 8-byte lease id: etcd panics reading it`);
    return;
  }
  checkProto('lease', key, value, LEASE, 'leasepb.Lease', log);
}

function checkProto(bucket: string, key: Buffer, value: Buffer, message: ProtoMessage, type: string, log: ProblemLog): void {
  const decoded = decodeProto(value, message);
  if (typeof decoded === 'string') {
    log.add('etcd', `${bucket} bucket: the value of key 0x${key.subarray(0, 16).toString('hex')} is no valid ${type} (${decoded}): etcd panics reading it when it starts`);
  }
}

/** alarm.go line 94: the alarm bucket's keys are AlarmMember protobufs, unmarshalled when etcd starts. */
function checkAlarm(key: Buffer, log: ProblemLog): void {
  const decoded = decodeProto(key, ALARM_MEMBER);
  if (typeof decoded === 'string') log.add('etcd', `alarm bucket: key 0x${key.subarray(0, 16).toString('hex')} is no valid AlarmMember (${decoded}): etcd fails reading it when it starts`);
}

/**
 * membership.go line 218: clusterVersion goes through semver.Must(semver.NewVersion);
 * lines 240-247: downgrade is JSON, and when enabled its target version is parsed too.
 */
function checkCluster(key: Buffer, value: Buffer, log: ProblemLog): void {
  const name = key.toString('latin1');
  if (name === 'clusterVersion' && !isSemver(value.toString('latin1'))) {
    log.add('etcd', `cluster bucket: clusterVersion ${JSON.stringify(value.toString('latin1').slice(0, 40))} is not a version: etcd panics reading it when it starts`);
  }
  if (name === 'downgrade' && !isDowngradeInfo(value)) {
    log.add('etcd', 'cluster bucket: downgrade is not the JSON etcd writes: etcd panics reading it when it starts');
  }
}

const IDENTIFIER = /^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$/;
const INT64_MAX = 0x7fffffffffffffffn;

/**
 * coreos/go-semver Version.Set: metadata after the first '+', pre-release after
 * the first '-', then exactly three dot parts, each strconv.ParseInt(10, 64).
 */
function isSemver(text: string): boolean {
  let rest = text;
  const plus = rest.indexOf('+');
  const metadata = plus >= 0 ? rest.slice(plus + 1) : '';
  if (plus >= 0) rest = rest.slice(0, plus);
  const dash = rest.indexOf('-');
  const pre = dash >= 0 ? rest.slice(dash + 1) : '';
  if (dash >= 0) rest = rest.slice(0, dash);
  const parts = rest.split('.');
  if (parts.length !== 3) return false;
  if ((pre !== '' && !IDENTIFIER.test(pre)) || (metadata !== '' && !IDENTIFIER.test(metadata))) return false;
  return parts.every((p) => /^[+-]?\d{1,30}$/.test(p) && BigInt(p.replace(/^\+/, '')) <= INT64_MAX && BigInt(p.replace(/^\+/, '')) >= -INT64_MAX - 1n);
}

function parseJson(value: Buffer): unknown {
  try {
    return JSON.parse(value.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function isDowngradeInfo(value: Buffer): boolean {
  const v = parseJson(value);
  if (v === null) return true;
  if (typeof v !== 'object' || Array.isArray(v) || v === undefined) return false;
  const d = v as Record<string, unknown>;
  const target = d['target-version'];
  const enabled = d.enabled;
  if (target !== undefined && target !== null && typeof target !== 'string') return false;
  if (enabled !== undefined && enabled !== null && typeof enabled !== 'boolean') return false;
  return enabled !== true || (typeof target === 'string' && isSemver(target));
}

function isConfState(value: Buffer): boolean {
  const v = parseJson(value);
  if (v === null) return true;
  if (typeof v !== 'object' || Array.isArray(v) || v === undefined) return false;
  const c = v as Record<string, unknown>;
  const ids = (x: unknown) => x === undefined || x === null || (Array.isArray(x) && x.every((n) => Number.isInteger(n) && (n as number) >= 0));
  return ids(c.voters) && ids(c.learners) && ids(c.voters_outgoing) && ids(c.learners_next) && (c.auto_leave === undefined || c.auto_leave === null || typeof c.auto_leave === 'boolean');
}

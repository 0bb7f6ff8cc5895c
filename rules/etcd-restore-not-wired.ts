import { defineRule } from '../src/engine/define-rule.js';
import type { Report } from '../src/engine/types.js';
import type { EtcdDataDir, EtcdHostData, EtcdService, EtcdServiceSetting, EtcdStaticPod } from '../src/model/types.js';
import { describeAge, showTime } from '../src/facts/wording.js';
import { DURATION_PATTERN, parseDuration } from '../src/model/duration.js';

const at = (iso: string) => showTime(new Date(iso));

function wiring(pod: EtcdStaticPod): string {
  const volume = pod.data.volume!;
  return pod.data.hostPath === volume.hostPath
    ? `hostPath.path of the ${volume.name} volume`
    : `hostPath.path ${volume.hostPath} of the ${volume.name} volume, with ${pod.dataDir} below its mountPath ${pod.data.mount!.mountPath}`;
}

/** Restores first, newest first; then any other data dir. */
function candidates(others: EtcdDataDir[]): EtcdDataDir[] {
  const restores = others.filter((d) => d.identity?.restore).sort((a, b) => b.identity!.restore!.at.localeCompare(a.identity!.restore!.at));
  return restores.length > 0 ? restores : others;
}

function restoredHint(target: Target, others: EtcdDataDir[]): string {
  if (others.length === 0) return '';
  const ordered = candidates(others);
  const names = ordered.map((d) => (d.foundBy?.startsWith('beside') ? d.path : `${d.path} (found ${target.foundBy(d.foundBy ?? '')})`)).join(', ');
  return `; etcd data is in ${names}: ${target.point} ${ordered.length === 1 ? 'there' : 'at the restored one'}`;
}

/** hostPath types: https://kubernetes.io/docs/concepts/storage/volumes/#hostpath-volume-types */
function emptyStart(pod: EtcdStaticPod): string {
  const type = pod.data.volume?.hostPathType ?? '';
  if (type === 'Directory') return 'the kubelet refuses to start etcd (hostPath type Directory needs an existing directory)';
  const creator = type === 'DirectoryOrCreate' ? 'the kubelet creates it empty (hostPath type DirectoryOrCreate)' : 'it is created empty when etcd starts';
  return `${creator} and etcd starts a new, empty cluster: every object is gone`;
}

const CHECK = 'the kubelet restarts etcd on it within a minute. Check with: kubectl get nodes; ' +
  'sudo etcdctl endpoint status -w table (with the certificates under /etc/kubernetes/pki/etcd).';

/** How to make the kubelet give etcd `dir`: hostPath.path + the data dir's place below the mountPath. */
function fix(pod: EtcdStaticPod, dir: string): string {
  const volume = pod.data.volume!;
  const below = pod.data.hostPath!.slice((volume.hostPath ?? '').length);
  const manifest = '/etc/kubernetes/manifests/etcd.yaml';
  if (below === '') {
    return `Set the ${volume.name} volume's hostPath.path in ${manifest} to ${dir} (keep --data-dir and the mountPath as they are); ${CHECK}`;
  }
  if (dir.endsWith(below) && dir.length > below.length) {
    return `Set the ${volume.name} volume's hostPath.path in ${manifest} to ${dir.slice(0, -below.length)} (etcd's data dir ${pod.dataDir} is ${below.slice(1)} below the mountPath, so etcd uses ${dir}); ${CHECK}`;
  }
  return (
    `Set the ${volume.name} volume's hostPath.path in ${manifest} to ${dir} and --data-dir to the mountPath ${pod.data.mount!.mountPath} ` +
    `(etcd's data dir is ${below.slice(1)} below the mountPath now, so etcd would use ${dir}${below}); ${CHECK}`
  );
}

/**
 * Without --name, --initial-cluster and --initial-advertise-peer-urls the
 * restored member is "default" at http://localhost:2380, and no other member
 * can join it (https://etcd.io/docs/v3.5/op-guide/recovery/): take them from etcd.yaml.
 */
function restoreInto(pod: EtcdStaticPod, dir: string): string {
  const member = [
    pod.memberName ? ` --name ${pod.memberName}` : '',
    pod.initialCluster ? ` --initial-cluster ${pod.initialCluster}` : '',
    pod.advertisePeerUrls ? ` --initial-advertise-peer-urls ${pod.advertisePeerUrls}` : '',
  ].join('');
  return `Restore the newest good snapshot into it (the directory must not exist yet): sudo etcdctl snapshot restore SNAPSHOT --data-dir ${dir}${member}`;
}

type Verdict = { kind: 'unused' } | { kind: 'leftover'; why: string } | null;

/**
 * What a data dir etcd does not use is, judged by whose data it holds
 * (its WAL), never by folder times: etcd touches the data dir and member/
 * at every start (server/etcdserver/bootstrap.go:64 and :68, TouchDirAll,
 * which writes and removes a `.touch` file: client/pkg/fileutil/fileutil.go:36,
 * at c34dc7ee0), so a restart of etcd on the old directory makes it look
 * newer than the restore.
 */
function judge(dir: EtcdDataDir, inUse: EtcdDataDir, capturedAt: Date, recentMs: number): Verdict {
  const restore = dir.identity?.restore;
  // No restore's mark: the original data, a `cp -r` copy of it, or an older cluster's data. etcd serves nothing of it that it lacks.
  if (!restore) return null;
  const used = inUse.identity;
  if (used?.restore) {
    const sameMember = used.clusterId === dir.identity!.clusterId && used.memberId === dir.identity!.memberId;
    // A copy of the restore etcd runs on: the same restore, with etcd's later writes.
    if (sameMember && dir.identity!.started) return null;
    if (restore.at <= used.restore.at) return { kind: 'leftover', why: `older than the restore etcd uses (made ${at(used.restore.at)})` };
  }
  const age = capturedAt.getTime() - new Date(restore.at).getTime();
  return age <= recentMs ? { kind: 'unused' } : { kind: 'leftover', why: `made ${describeAge(age)} before the capture time` };
}

function identityText(dir: EtcdDataDir): string {
  const id = dir.identity!;
  return `cluster ${id.clusterId}, member ${id.memberId}`;
}

function unusedRestore(target: Target, dir: EtcdDataDir, inUse: EtcdDataDir, verdict: Exclude<Verdict, null>): Report {
  const restore = dir.identity!.restore!;
  const found = dir.foundBy ? ` (found ${target.foundBy(dir.foundBy)})` : '';
  const made = `${at(restore.at)}, by its ${restore.atFrom}`;
  const serves = inUse.identity ? ` (${identityText(inUse)})` : '';
  if (verdict.kind === 'unused') {
    return {
      subject: target.subject,
      message:
        `${dir.path}${found} holds an etcd restore made ${made} (${identityText(dir)}) that etcd does not use: ` +
        `etcd serves the data in ${target.hostPath}${serves} (${target.wiring})`,
      remediation: target.fix(dir.path),
    };
  }
  return {
    subject: target.subject,
    severity: 'info',
    message: `${dir.path}${found} is a leftover etcd restore, ${verdict.why} (${made}); etcd does not use it: remove or archive it`,
    remediation:
      `If it is no longer needed: sudo tar -czf /root/${dir.path.split('/').filter(Boolean).join('_')}.tar.gz ${dir.path} && sudo rm -rf ${dir.path}. ` +
      `If etcd should serve it: ${target.fix(dir.path)}`,
  };
}

/** An etcd whose data dir is on the node: a static pod read from `--root`, or a systemd unit. */
interface Target {
  subject: Report['subject'];
  hostPath: string;
  host: EtcdHostData;
  /** How etcd is told to use hostPath. */
  wiring: string;
  /** What happens when hostPath does not exist. */
  emptyStart: string;
  /** "point X there". */
  point: string;
  /** "the kubelet cannot create ..." / "systemd starts it and". */
  danglingStart: string;
  fix(dir: string): string;
  restoreInto(dir: string): string;
  /** How the host source found a data dir, in this etcd's words. */
  foundBy(how: string): string;
}

function podTarget(pod: EtcdStaticPod): Target | null {
  if (!pod.hostData || pod.data.hostPath === null || !pod.data.volume) return null;
  return {
    subject: pod.subject,
    hostPath: pod.data.hostPath,
    host: pod.hostData,
    wiring: wiring(pod),
    emptyStart: emptyStart(pod),
    point: `point ${pod.data.volume.name}'s hostPath.path`,
    danglingStart: 'the kubelet cannot create or mount a dangling link; etcd itself fails with',
    fix: (dir) => fix(pod, dir),
    restoreInto: (dir) => restoreInto(pod, dir),
    foundBy: (how) => how,
  };
}

/** Where a systemd-run etcd's data dir is set, in the operator's words. */
function settingText(s: EtcdServiceSetting, service: EtcdService): string {
  const at = s.at ? ` at ${s.at.file}:${s.at.line}` : '';
  if (s.from === 'flag') return `--data-dir on ${service.unit}'s ExecStart=${at}`;
  if (s.from === 'env') return `ETCD_DATA_DIR=${s.value}${at}`;
  if (s.from === 'config-file') return `data-dir in ${s.at?.path ?? 'its --config-file'}${at}`;
  return `etcd's default data dir: no --data-dir or ETCD_DATA_DIR in ${service.unit}, so "<name>.etcd" in its working directory`;
}

const SERVICE_CHECK = (unit: string) =>
  `Check with: journalctl -u ${unit} -n 20; sudo etcdctl endpoint status -w table (with the unit's client certificates).`;

/**
 * How to make a systemd-run etcd use `dir`, in the one way its data dir is
 * set now: a flag on the command line and ETCD_DATA_DIR together make etcd
 * exit at start (pkg/flags/flag.go:73 verifyEnv, :86 lg.Fatal at etcd-io/etcd
 * c34dc7ee), so the fix changes the setting that is there and adds no other.
 * EnvironmentFile= is read after Environment= and wins over it
 * (https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#EnvironmentFile=),
 * so a variable from such a file is changed in that file.
 */
function serviceFix(service: EtcdService, dir: string): string {
  const unit = service.unit;
  const s = service.dataDir;
  // `etcdctl snapshot restore` run with sudo leaves the directory root's, mode 0700; Debian's unit runs etcd as User=etcd.
  const owner = `give it to the unit's User= (Debian's etcd.service runs etcd as etcd: sudo chown -R etcd:etcd ${dir}), then`;
  const restart = `sudo systemctl daemon-reload && sudo systemctl restart ${unit}. ${SERVICE_CHECK(unit)}`;
  if (s.from === 'flag') {
    const argv = service.argv.map((a) => (/^--?data-dir(=|$)/.test(a) ? (a.includes('=') ? `--data-dir=${dir}` : a) : a));
    const i = service.argv.findIndex((a) => /^--?data-dir$/.test(a));
    if (i >= 0 && i + 1 < argv.length) argv[i + 1] = dir;
    return (
      `Give --data-dir the restored directory on the command line (not ETCD_DATA_DIR as well: etcd exits when both are set): sudo systemctl edit ${unit}, ` +
      `and write [Service], an empty ExecStart= and ExecStart=${argv.join(' ')}; ${owner} ${restart}`
    );
  }
  if (s.from === 'env' && s.at && !service.files.includes(s.at.file)) {
    return `Set ETCD_DATA_DIR=${dir} in ${s.at.path} (line ${s.at.line}, the EnvironmentFile= that sets it; no --data-dir as well: etcd exits when both are set); ${owner} ${restart}`;
  }
  if (s.from === 'config-file') {
    return `Set data-dir: ${dir} in ${s.at?.path ?? 'its --config-file'} (etcd reads no flag or variable beside its --config-file); ${owner} ${restart}`;
  }
  return (
    `Set ETCD_DATA_DIR in a drop-in, not --data-dir as well (etcd exits when both are set): sudo systemctl edit ${unit}, and write [Service] and ` +
    `Environment=ETCD_DATA_DIR=${dir}; ${owner} ${restart}`
  );
}

/**
 * A systemd-run etcd: its data dir is the node path itself. One that systemd
 * refuses, that is masked, or whose etcd exits at start
 * (etcd-service-fails-to-start) serves no data to compare with.
 */
function serviceTarget(service: EtcdService): Target | null {
  if (!service.hostData || service.refused || service.masked || service.startFailure) return null;
  const member = [
    service.memberName ? ` --name ${service.memberName.value}` : '',
    service.initialCluster ? ` --initial-cluster ${service.initialCluster.value}` : '',
    service.advertisePeerUrls ? ` --initial-advertise-peer-urls ${service.advertisePeerUrls.value}` : '',
  ].join('');
  const name = service.dataDir.from === 'flag' ? '--data-dir' : service.dataDir.from === 'config-file' ? 'data-dir' : 'ETCD_DATA_DIR';
  return {
    subject: service.subject,
    hostPath: service.dataDir.value,
    host: service.hostData,
    wiring: settingText(service.dataDir, service),
    // etcd creates a missing data dir (fileutil.TouchDirAll) and bootstraps a new member in it.
    emptyStart: 'etcd creates it when it starts and starts a new, empty cluster: every object is gone',
    point: `point ${name}`,
    danglingStart: `systemd starts ${service.unit} and etcd fails with`,
    fix: (dir) => serviceFix(service, dir),
    // The host source's search says "beside DIR, which etcd.yaml names" of every data dir it was asked about.
    foundBy: (how) => how.replace(/, which etcd\.yaml names$/, `, which ${service.unit} names`),
    restoreInto: (dir) =>
      `Stop etcd (sudo systemctl stop ${service.unit}) and restore the newest good snapshot into it (the directory must not exist yet): ` +
      `sudo etcdctl snapshot restore SNAPSHOT --data-dir ${dir}${member}; then sudo chown -R etcd:etcd ${dir} (Debian's User=etcd) and sudo systemctl start ${service.unit}.`,
  };
}

function notWired(target: Target, capturedAt: Date, recentMs: number): Report[] {
  const { host, hostPath } = target;
  const inUse = host.inUse;
  const best = candidates(host.restored)[0];
  const remedy = best ? target.fix(best.path) : target.restoreInto(hostPath);
  if (inUse?.danglingLink !== undefined) {
    return [{
      subject: target.subject,
      message:
        `the host directory etcd uses, ${hostPath} (${target.wiring}), is a symbolic link to ${inUse.danglingLink}, which does not exist on the node: ` +
        `etcd does not start (${target.danglingStart} "mkdir ${hostPath}: file exists")${restoredHint(target, host.restored)}`,
      remediation: best
        ? `Make the link point at the data: sudo ln -sfn ${best.path} ${hostPath}, or ${target.fix(best.path)}`
        : `Mount the disk that holds ${inUse.danglingLink}, or point the link at the etcd data directory (sudo ln -sfn DIR ${hostPath}).`,
    }];
  }
  if (!inUse?.exists) {
    return [{
      subject: target.subject,
      message: `the host directory etcd uses, ${hostPath} (${target.wiring}), does not exist on the node: ${target.emptyStart}${restoredHint(target, host.restored)}`,
      remediation: remedy,
    }];
  }
  if (!inUse.database) {
    return [{
      subject: target.subject,
      message: `the host directory etcd uses, ${hostPath} (${target.wiring}), holds no member/snap/db: etcd starts a new, empty cluster in it${restoredHint(target, host.restored)}`,
      remediation: remedy,
    }];
  }
  return host.restored.flatMap((dir) => {
    const verdict = judge(dir, inUse, capturedAt, recentMs);
    return verdict ? [unusedRestore(target, dir, inUse, verdict)] : [];
  });
}

interface Options {
  recent: string;
}

export default defineRule<Options>({
  id: 'etcd-restore-not-wired',
  description: 'With --root: the host directory etcd uses holds no database, or an etcd restore on the node is not the data etcd serves.',
  category: 'etcd',
  judges: 'cluster',
  severity: 'error',
  // Not 'controlPlane': an etcd-only node (systemd, external etcd) has no /etc/kubernetes/manifests; a static
  // pod that could not be read leaves no etcd found, which is the 'etcd' gap (etcdNotFound in src/model/etcd.ts).
  needs: ['host', 'etcd'],
  defaultOptions: { recent: '24h' },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      recent: {
        type: 'string',
        pattern: DURATION_PATTERN,
        description: 'An unused restore made within this long before the capture time is an error; an older one is an info (a leftover).',
      },
    },
  },
  remediation:
    'Point the etcd-data volume\'s hostPath.path in /etc/kubernetes/manifests/etcd.yaml at the restored directory, ' +
    'keeping --data-dir and the mountPath as kubeadm wrote them.',
  skipIf: (model) =>
    model.nodeRoot === null && model.etcd.some((p) => p.origin === 'manifest')
      ? 'the host directory etcd uses can be checked only with --root (a node\'s files)'
      : null,
  check(model, options) {
    const recentMs = parseDuration(options.recent) ?? 86_400_000;
    const targets = [
      ...model.etcd.map(podTarget),
      ...model.etcdServices.map(serviceTarget),
    ].filter((t): t is Target => t !== null);
    return targets.flatMap((t) => notWired(t, model.capturedAt, recentMs));
  },
});

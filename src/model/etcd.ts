import { posix } from 'node:path';
import type { HostFacts } from '../sources/host/types.js';
import { envNameOf, parseEtcdArgs } from '../sources/root/systemd-etcd-flags.js';
import type { EtcdUnit } from '../sources/root/systemd-types.js';
import type { RawObject, ScanGap } from '../sources/types.js';
import { UNIT_DIRS } from '../sources/root/systemd-units.js';
import { MIRROR_ANNOTATION, etcdContainer, isStaticPod } from './static-pods.js';
import { argvOf, envValue, flagValue, mountsOf, resolveContainerPath, volumesOf } from './container-paths.js';
import type { ComponentVersion, EtcdHostData, EtcdPodOrigin, EtcdService, EtcdServiceSetting, EtcdStaticPod, ExternalEtcd, Subject, TlsFile } from './types.js';
import { isClusterConfiguration } from './kinds.js';
import { arrayField, stringField } from './fields.js';
import { subjectOf } from './subject.js';
import { eachObject, type Rejections } from './admit.js';
import { parseVersion } from './version.js';

/** kubeadm's name for the volume and mount holding etcd's data (phases/etcd/local.go). */
const ETCD_DATA_VOLUME = 'etcd-data';

function originOf(raw: RawObject): EtcdPodOrigin {
  if (raw.origin === 'static-pod-manifest') return 'node-root';
  return MIRROR_ANNOTATION in (raw.object.metadata?.annotations ?? {}) || raw.provenance.type === 'live' ? 'mirror-pod' : 'manifest';
}

function wiringOf(raw: RawObject): Omit<EtcdStaticPod, 'hostData'> | null {
  const container = etcdContainer(raw);
  if (container === undefined) return null;
  const argv = argvOf(container);
  // Without a command line the flags are the image's own: nothing to judge (abbreviated dumps look like this too).
  if (argv.length === 0) return null;
  // etcd reads every flag from ETCD_<FLAG> too, for a flag not on the command line; with both, etcd exits (conflictOf).
  const setting = (flag: string) => flagValue(argv, flag) ?? envValue(container, envNameOf(flag));
  const memberName = setting('name') ?? null;
  const fromFlag = flagValue(argv, 'data-dir');
  const fromEnv = fromFlag === undefined ? envValue(container, 'ETCD_DATA_DIR') : undefined;
  // Without --data-dir etcd writes to "<name>.etcd" in its working directory (etcd embed.NewConfig).
  const dataDir = fromFlag ?? fromEnv ?? `${memberName ?? 'default'}.etcd`;
  const mounts = mountsOf(container);
  const node = stringField(raw.object, 'spec', 'nodeName');
  return {
    subject: subjectOf(raw),
    origin: originOf(raw),
    ...(node ? { node } : {}),
    dataDir,
    dataDirFrom: fromFlag !== undefined ? 'flag' : fromEnv !== undefined ? 'env' : 'default',
    data: resolveContainerPath(dataDir, mounts, volumesOf(raw.object), stringField(container, 'workingDir') ?? '/'),
    etcdDataMount: mounts.find((m) => m.name === ETCD_DATA_VOLUME) ?? null,
    memberName,
    initialCluster: setting('initial-cluster') ?? null,
    advertisePeerUrls: setting('initial-advertise-peer-urls') ?? null,
    startFailure: conflictOf(argv, container),
  };
}

/**
 * A flag on the command line and its ETCD_* variable in the container's env:
 * etcd exits at start, in a container as under systemd (pkg/flags/flag.go:73
 * verifyEnv, :86 lg.Fatal at etcd-io/etcd c34dc7ee; see etcdReading below).
 * The kubelet puts every env entry in the environment, an entry without a
 * value as NAME= and a valueFrom one with the value it reads, and verifyEnv
 * looks only at the name.
 */
function conflictOf(argv: string[], container: unknown): string | null {
  const env = arrayField(container, 'env').map((e) => stringField(e, 'name')).filter((n): n is string => typeof n === 'string');
  // `command` is etcd itself; without one the image's entrypoint is, and every arg is etcd's.
  const args = arrayField(container, 'command').length > 0 ? argv.slice(1) : argv;
  const given = new Set(args.flatMap((a) => /^--?([^=-][^=]*)(?:=.*)?$/s.exec(a)?.[1] ?? []));
  const conflicts = [...given].filter((flag) => env.includes(envNameOf(flag)));
  if (conflicts.length === 0) return null;
  return conflicts.map((flag) => `--${flag} is on the command line and ${envNameOf(flag)} is set too in the container's env`).join('; ') +
    ': etcd exits at start with "conflicting environment variable is shadowed by corresponding command-line flag"';
}

function hostDataOf(pod: Omit<EtcdStaticPod, 'hostData'>, host: HostFacts): EtcdHostData {
  const inUse = pod.data.hostPath === null ? null : host.etcdDataDirs.find((d) => d.path === pod.data.hostPath) ?? null;
  return { inUse, restored: host.etcdDataDirs.filter((d) => d !== inUse && d.memberCreated !== undefined) };
}

/** Every etcd static pod read, with how its data dir is wired, and what `--root` shows of it. */
export function readEtcdPods(raws: RawObject[], host: HostFacts | undefined, rejections?: Rejections): EtcdStaticPod[] {
  return eachObject(raws.filter(isStaticPod), (raw): EtcdStaticPod[] => {
    const pod = wiringOf(raw);
    if (!pod) return [];
    return [{ ...pod, hostData: pod.origin === 'node-root' && host ? hostDataOf(pod, host) : null }];
  }, rejections);
}

/** The etcd data directories the node root's static pods point at, for the host source to look at. */
export function readEtcdDataDirs(raws: RawObject[], rejections?: Rejections): string[] {
  const staticPods = raws.filter((r) => r.origin === 'static-pod-manifest' && isStaticPod(r));
  return eachObject(staticPods, (raw) => {
    const pod = wiringOf(raw);
    return pod?.data.hostPath ? [pod.data.hostPath] : [];
  }, rejections);
}

/** etcd's TLS flags and where a --config-file keeps them (server/embed/config.go:472-473: client-transport-security, peer-transport-security). */
const SERVICE_TLS: { flag: string; yaml: [string, string] }[] = [
  { flag: 'cert-file', yaml: ['client-transport-security', 'cert-file'] },
  { flag: 'key-file', yaml: ['client-transport-security', 'key-file'] },
  { flag: 'trusted-ca-file', yaml: ['client-transport-security', 'trusted-ca-file'] },
  { flag: 'peer-cert-file', yaml: ['peer-transport-security', 'cert-file'] },
  { flag: 'peer-key-file', yaml: ['peer-transport-security', 'key-file'] },
  { flag: 'peer-trusted-ca-file', yaml: ['peer-transport-security', 'trusted-ca-file'] },
];

/** A --config-file value as etcd's YAML decoding takes it: strings as they are, numbers and booleans as text. */
function yamlValue(content: Record<string, unknown>, path: string[]): string | null {
  let at: unknown = content;
  for (const key of path) at = at !== null && typeof at === 'object' && !Array.isArray(at) ? (at as Record<string, unknown>)[key] : undefined;
  return typeof at === 'string' && at !== '' ? at : typeof at === 'number' || typeof at === 'boolean' ? String(at) : null;
}

/** How etcd reads its settings from what systemd gives it. */
interface EtcdReading {
  setting(flag: string, yaml?: string[]): EtcdServiceSetting | null;
  startFailure: string | null;
}

/**
 * etcd's own order (etcd-io/etcd at c34dc7ee, server/etcdmain/config.go:137
 * reads ETCD_CONFIG_FILE, :144 "other configuration command line flags and
 * environment variables will be ignored", :175 SetFlagsFromEnv;
 * pkg/flags/flag.go:34 SetFlagsFromEnv, :73 verifyEnv, :86 lg.Fatal; the
 * same in release-3.4's pkg/flags/flag.go with plog.Fatalf): with
 * --config-file (or ETCD_CONFIG_FILE) only that file counts; otherwise a
 * flag given on the command line is used and an ETCD_* variable fills a flag
 * that was not given. A variable for a flag that WAS given does not lose
 * quietly, as docs and the issue put it: verifyEnv exits with "conflicting
 * environment variable ... is shadowed by corresponding command-line flag",
 * even when the variable is empty. Tried on Debian's etcd 3.4.23
 * (test/etcd/external-real-etcd.test.ts).
 */
function etcdReading(unit: EtcdUnit): EtcdReading {
  const argv = unit.execStart?.argv ?? [];
  const args = parseEtcdArgs(argv.slice(1));
  const config = unit.configFile;
  if (config) {
    const at = { path: config.path, file: config.file, line: 1 };
    return {
      startFailure: config.problem ? `its configuration file ${config.path} ${config.problem}` : null,
      setting: (flag, yaml = [flag]) => {
        const value = config.content ? yamlValue(config.content, yaml) : null;
        return value === null ? null : { value, from: 'config-file', at };
      },
    };
  }
  const env = new Map(unit.environment.map((v) => [v.name, v]));
  const failures: string[] = [];
  if (args.error) failures.push(`etcd stops reading its command line: ${args.error}`);
  for (const [flag] of args.flags) {
    const shadowed = env.get(envNameOf(flag));
    if (shadowed) {
      failures.push(
        `--${flag} is on the command line and ${shadowed.name}=${shadowed.value} is set too (${shadowed.at.file}:${shadowed.at.line}): ` +
        'etcd exits at start with "conflicting environment variable is shadowed by corresponding command-line flag"',
      );
    }
  }
  const execAt = unit.execStart?.at ?? null;
  return {
    startFailure: failures.length > 0 ? failures.join('; ') : null,
    setting: (flag) => {
      const given = args.flags.get(flag);
      if (given) return { value: given.value, from: 'flag', at: execAt };
      const variable = env.get(envNameOf(flag));
      return variable && variable.value !== '' ? { value: variable.value, from: 'env', at: variable.at } : null;
    },
  };
}

function serviceSubject(unit: EtcdUnit): Subject {
  const at = unit.execStart?.at ?? { file: unit.files[0]?.file ?? unit.unit, line: 1 };
  return { ref: { kind: 'SystemdUnit', name: unit.unit }, provenance: { type: 'file', file: at.file, line: at.line, column: 1 } };
}

function hostDataAt(path: string, host: HostFacts | undefined): EtcdHostData | null {
  if (!host) return null;
  const inUse = host.etcdDataDirs.find((d) => d.path === path) ?? null;
  return { inUse, restored: host.etcdDataDirs.filter((d) => d !== inUse && d.memberCreated !== undefined) };
}

function serviceOf(unit: EtcdUnit, host: HostFacts | undefined): { service: EtcdService; tls: TlsFile[] } {
  const reading = etcdReading(unit);
  const cwd = unit.workingDirectory.startsWith('/') ? unit.workingDirectory : '/';
  const memberName = reading.setting('name');
  // Without a data dir etcd uses "<name>.etcd" in its working directory (server/etcdmain/etcd.go:93).
  const dir = reading.setting('data-dir') ?? { value: `${memberName?.value ?? 'default'}.etcd`, from: 'default' as const, at: null };
  const dataDir = { ...dir, value: posix.resolve(cwd, dir.value) };
  const subject = serviceSubject(unit);
  const service: EtcdService = {
    subject,
    unit: unit.unit,
    files: unit.files.map((f) => f.file),
    refused: unit.refused,
    masked: unit.masked,
    startFailure: unit.refused ? null : reading.startFailure,
    argv: unit.execStart?.argv ?? [],
    dataDir,
    memberName,
    initialCluster: reading.setting('initial-cluster'),
    advertisePeerUrls: reading.setting('initial-advertise-peer-urls'),
    hostData: unit.refused ? null : hostDataAt(dataDir.value, host),
  };
  const tls = unit.refused ? [] : SERVICE_TLS.flatMap(({ flag, yaml }): TlsFile[] => {
    const s = reading.setting(flag, yaml);
    if (!s) return [];
    const path = posix.resolve(cwd, s.value);
    const named = s.from === 'flag' ? `--${flag}` : s.from === 'env' ? envNameOf(flag) : `${yaml.join('.')} in ${unit.configFile?.path ?? 'its config file'}`;
    return [{
      component: 'etcd',
      origin: 'systemd-unit',
      flag: named,
      at: { path, mount: null, volume: null, hostPath: path },
      onHost: host?.files.find((f) => f.path === path) ?? null,
      subject,
    }];
  });
  return { service, tls };
}

/** etcd members run by systemd under `--root`, as etcd would start with what systemd gives it, and the TLS files they name. */
export function readEtcdServices(units: EtcdUnit[] | undefined, host: HostFacts | undefined): { services: EtcdService[]; tls: TlsFile[] } {
  const read = (units ?? []).map((u) => serviceOf(u, host));
  return { services: read.map((r) => r.service), tls: read.flatMap((r) => r.tls) };
}

/** The host paths the etcd units name (data dir, TLS files), for the host source to look at. */
export function etcdUnitQuestions(units: EtcdUnit[] | undefined): { etcdDataDirs: string[]; files: string[] } {
  const { services, tls } = readEtcdServices(units, undefined);
  return {
    etcdDataDirs: services.filter((s) => !s.refused).map((s) => s.dataDir.value),
    files: tls.map((f) => f.at.path),
  };
}

/** kubeadm's ExternalEtcd fields naming the kube-apiserver's client files (kubeadm.k8s.io/v1beta4). */
const EXTERNAL_FILES = ['caFile', 'certFile', 'keyFile'] as const;

/**
 * ClusterConfiguration etcd.external from the node root's kubeadm
 * configuration: kubeadm passes its endpoints and files to the
 * kube-apiserver as --etcd-servers, --etcd-cafile, --etcd-certfile and
 * --etcd-keyfile (cmd/kubeadm/app/phases/controlplane/manifests.go), so the
 * files must be on this node.
 */
export function readExternalEtcd(raws: RawObject[], host: HostFacts | undefined, rejections?: Rejections): { external: ExternalEtcd[]; tls: TlsFile[] } {
  const configs = raws.filter((r) => r.origin === 'kubeadm-config' && isClusterConfiguration(r));
  const read = eachObject(configs, (raw) => {
    const external = (raw.object.etcd as { external?: Record<string, unknown> } | undefined)?.external;
    if (!external) return [];
    const subject = subjectOf(raw);
    const endpoints = Array.isArray(external.endpoints) ? external.endpoints.filter((e): e is string => typeof e === 'string') : [];
    const tls = EXTERNAL_FILES.flatMap((field): TlsFile[] => {
      const path = external[field];
      if (typeof path !== 'string' || path === '') return [];
      const at = posix.resolve('/', path);
      return [{
        component: 'kube-apiserver',
        origin: 'kubeadm-config',
        flag: `etcd.external.${field}`,
        at: { path: at, mount: null, volume: null, hostPath: at },
        onHost: host?.files.find((f) => f.path === at) ?? null,
        subject,
      }];
    });
    return [{ external: { endpoints, subject }, tls }];
  }, rejections);
  return { external: read.map((r) => r.external), tls: read.flatMap((r) => r.tls) };
}

/**
 * With `--root`, the node's etcd is a static pod or a systemd unit; when it
 * is neither, the etcd rules about this node have nothing to judge. That is
 * said as a gap (the scan did not see an etcd), never as a clean result.
 */
export function etcdNotFound(root: string, pods: EtcdStaticPod[], services: EtcdService[], external: ExternalEtcd[], gaps: ScanGap[]): ScanGap | null {
  // A unit systemd refuses is still this node's etcd (broken, and said so by etcd-service-fails-to-start); a masked one is not.
  if (pods.length > 0 || services.some((s) => !s.masked)) return null;
  // A unit kcheck could not follow (a shell, an unreadable file) is already a gap about etcd.
  if (gaps.some((g) => g.affects?.includes('etcd'))) return null;
  const notes = services.map((s) => s.refused!);
  const endpoints = external.flatMap((e) => e.endpoints);
  if (external.length > 0) {
    notes.push(
      `kubeadm's ClusterConfiguration names an external etcd${endpoints.length > 0 ? ` at ${endpoints.join(', ')}` : ' with no endpoints'}: ` +
      'check its members with kcheck scan --root on their own nodes',
    );
  }
  return {
    what: root,
    reason:
      'etcd not found on this node: no etcd static pod in /etc/kubernetes/manifests and no systemd unit running etcd in ' +
      `${UNIT_DIRS.join(', ')}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`,
    affects: ['etcd'],
    skipReason: 'etcd not found on this node',
  };
}

/**
 * The version of a systemd-run etcd, from the package that installed its
 * binary: the upstream part of dpkg's version (`1:3.4.23-4+b4` is etcd
 * 3.4.23: epoch before the colon, Debian revision after the last hyphen,
 * repacking suffixes such as +dfsg; deb-version(7)).
 */
export function etcdServiceVersions(units: EtcdUnit[] | undefined, services: EtcdService[]): ComponentVersion[] {
  return (units ?? []).flatMap((unit, i): ComponentVersion[] => {
    const pkg = unit.package;
    const service = services[i];
    if (!service || service.refused) return [];
    // A binary no package lists (a release tarball in /usr/local/bin): its version is unknown, and said so.
    if (!pkg) return [{ component: 'etcd', version: null, raw: `${service.argv[0] ?? 'etcd'} (no dpkg package lists it)`, source: 'package', subject: service.subject }];
    const upstream = pkg.version.replace(/^\d+:/, '').replace(/-[^-]*$/, '').replace(/[+~].*$/, '');
    return [{
      component: 'etcd',
      version: parseVersion(upstream),
      raw: `${pkg.name} ${pkg.version}, ${pkg.at.file}`,
      source: 'package',
      subject: service.subject,
    }];
  });
}

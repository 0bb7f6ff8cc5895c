import { posix } from 'node:path';
import { arrayField, field, stringField } from './fields.js';
import type { ContainerPath, VolumeMountView, VolumeView } from './types.js';

/**
 * A container's command line flag, read as etcd (Go's flag package) and the
 * Kubernetes components (pflag) read it: `--name=value`, `--name value`, or
 * with one dash; the last occurrence wins.
 */
export function flagValue(argv: string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const m = /^--?([^=]+)(?:=(.*))?$/s.exec(arg);
    if (!m || m[1] !== name) continue;
    if (m[2] !== undefined) value = m[2];
    else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('-')) value = argv[(i += 1)]!;
  }
  return value;
}

/** `command` then `args`, as the container runtime joins them. */
export function argvOf(container: unknown): string[] {
  return [...arrayField(container, 'command'), ...arrayField(container, 'args')].filter((a): a is string => typeof a === 'string');
}

/** A literal `env` value of the container (valueFrom references cannot be resolved from files). */
export function envValue(container: unknown, name: string): string | undefined {
  const entry = arrayField(container, 'env').find((e) => stringField(e, 'name') === name);
  return entry ? stringField(entry, 'value') : undefined;
}

export function mountsOf(container: unknown): VolumeMountView[] {
  return arrayField(container, 'volumeMounts').flatMap((m): VolumeMountView[] => {
    const name = stringField(m, 'name');
    const mountPath = stringField(m, 'mountPath');
    if (!name || !mountPath) return [];
    const subPath = stringField(m, 'subPath');
    return [{ name, mountPath: clean(mountPath), readOnly: field(m, 'readOnly') === true, ...(subPath ? { subPath } : {}) }];
  });
}

export function volumesOf(pod: unknown): VolumeView[] {
  return arrayField(pod, 'spec', 'volumes').flatMap((v): VolumeView[] => {
    const name = stringField(v, 'name');
    if (!name) return [];
    const hostPath = stringField(v, 'hostPath', 'path');
    if (hostPath !== undefined) return [{ name, kind: 'hostPath', hostPath: clean(hostPath), hostPathType: stringField(v, 'hostPath', 'type') ?? '' }];
    return [{ name, kind: field(v, 'emptyDir') !== undefined ? 'emptyDir' : 'other' }];
  });
}

/** `/var/lib/etcd/` and `/var/lib//etcd` are `/var/lib/etcd`. */
function clean(path: string): string {
  const normal = posix.normalize(path);
  return normal.length > 1 ? normal.replace(/\/+$/, '') : normal;
}

/** Whether `path` is `dir` or inside it, segment by segment (`/var/lib/etcd-2` is not inside `/var/lib/etcd`). */
function isWithin(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`);
}

/**
 * Maps a path inside the container to the node: the deepest mount holding it
 * wins (as the kubelet stacks nested mounts), and the node path is the
 * hostPath volume's path + subPath + the rest of the path.
 */
export function resolveContainerPath(path: string, mounts: VolumeMountView[], volumes: VolumeView[], workingDir = '/'): ContainerPath {
  const absolute = clean(posix.isAbsolute(path) ? path : posix.join(workingDir, path));
  const mount = mounts
    .filter((m) => isWithin(absolute, m.mountPath))
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0] ?? null;
  if (!mount) return { path: absolute, mount: null, volume: null, hostPath: null };
  const volume = volumes.find((v) => v.name === mount.name) ?? null;
  if (volume?.kind !== 'hostPath' || volume.hostPath === undefined) return { path: absolute, mount, volume, hostPath: null };
  const rest = posix.relative(mount.mountPath, absolute);
  return { path: absolute, mount, volume, hostPath: clean(posix.join(volume.hostPath, mount.subPath ?? '', rest)) };
}

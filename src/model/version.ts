/**
 * Kubernetes version strings as they occur in the wild:
 * `v1.30.2`, `v1.30.2-eks-a1b2c3`, `1.30.2-gke.1000`, `v1.29.4+k3s1`,
 * `registry.k8s.io/kube-apiserver:v1.30.2`, `...:v1.30.2@sha256:<digest>`,
 * etcd image tags such as `3.5.15-0`, and package versions `1.31.2-1.1`.
 */
export interface Version {
  major: number;
  minor: number;
  patch: number;
  /** Everything after major.minor.patch, e.g. `-eks-a1b2c3`, `+k3s1`, `-0`. */
  suffix: string;
  /** The string the version was read from. */
  raw: string;
}

const VERSION = /^v?(\d+)\.(\d+)(?:\.(\d+))?([-+.][0-9A-Za-z.+_-]*)?$/;

/** The tag of an image reference, without registry, repository or digest. */
export function imageTag(image: string): string | null {
  const withoutDigest = image.split('@')[0] ?? '';
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon === -1 ? null : withoutDigest.slice(colon + 1);
}

/** Parses a version string or an image reference; null when no version can be known. */
export function parseVersion(text: string | undefined | null): Version | null {
  if (!text) return null;
  const trimmed = text.trim();
  const candidate = trimmed.includes('/') || trimmed.includes('@') || /^[a-z][\w.-]*:/i.test(trimmed)
    ? imageTag(trimmed)
    : trimmed;
  if (!candidate) return null;
  const m = VERSION.exec(candidate);
  if (!m) return null;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), m[3] === undefined ? 0 : Number(m[3])];
  // v1.9999999999999999999.0 is past what a number holds exactly: it would compare as equal to its neighbours.
  if (![major, minor, patch].every(Number.isSafeInteger)) return null;
  return {
    major,
    minor,
    patch,
    suffix: m[4] ?? '',
    raw: trimmed,
  };
}

/** `1.30` style target: minor precision, patch 0. */
export function parseMinor(text: string): Version | null {
  const v = parseVersion(text);
  return v && /^v?\d+\.\d+(\.\d+)?$/.test(text.trim()) ? v : null;
}

export function compareMinor(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor;
}

export function compareVersions(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** How many minors `a` is ahead of `b` (negative when behind); same major assumed for 1.x. */
export function minorDistance(a: Version, b: Version): number {
  return (a.major - b.major) * 100 + (a.minor - b.minor);
}

export function minorOf(v: Version): string {
  return `${v.major}.${v.minor}`;
}

export function formatVersion(v: Version): string {
  return `v${v.major}.${v.minor}.${v.patch}`;
}

/** A new minor-precision version `n` minors away from `v`. */
export function addMinors(v: Version, n: number): Version {
  const minor = v.minor + n;
  return { major: v.major, minor, patch: 0, suffix: '', raw: `${v.major}.${minor}` };
}


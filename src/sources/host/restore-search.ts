import { posix } from 'node:path';
import { isMissing, type NodeRoot, rootReason } from '../root/node-root.js';
import type { ScanGap } from '../types.js';

/**
 * Where operators leave `etcdctl snapshot restore --data-dir` output: beside
 * /var/lib/etcd (the Kubernetes docs use /var/lib/etcd-from-backup), their
 * home, /opt, /srv, and the data and backup disks. /home/* and /backup* are
 * expanded on the node.
 */
const SEARCHED = ['/var/lib', '/root', '/home/*', '/opt', '/srv', '/data', '/mnt', '/backup*'];

/** Levels below each searched folder: /home/ubuntu/backups/etcd/restored is 3 below /home/ubuntu. */
export const SEARCH_DEPTH = 3;
/** Directory entries looked at in one search, all folders together. */
export const SEARCH_ENTRIES = 20_000;

/** Trees under /var/lib that hold packages, images and pods, never a restore; not descended into. */
const NOT_SEARCHED = new Set([
  '/var/lib/apt', '/var/lib/cni', '/var/lib/containerd', '/var/lib/containers', '/var/lib/docker', '/var/lib/dpkg',
  '/var/lib/kubelet', '/var/lib/rpm', '/var/lib/snapd', '/var/lib/systemd', '/var/lib/ucf',
]);

export interface FoundDataDir {
  /** As found on the node: `/root/etcd-restore`. */
  path: string;
  /** The same once links are followed inside the root. */
  realPath: string;
  foundBy: string;
}

/** A folder holding `member/`: what etcd (and `snapshot restore`) makes in a data dir. */
async function isDataDir(root: NodeRoot, dir: string): Promise<boolean> {
  const member = await root.stat(posix.join(dir, 'member')).catch(() => null);
  return member?.isDirectory() ?? false;
}

class Search {
  readonly found: FoundDataDir[] = [];
  /** Real paths of data dirs already reported (or named by etcd.yaml). */
  private readonly reported = new Set<string>();
  private entries = 0;
  private stopped = false;

  constructor(
    private readonly root: NodeRoot,
    private readonly gaps: ScanGap[],
  ) {}

  /** Marks a data dir as reported; false when it was already. */
  report(realPath: string): boolean {
    if (this.reported.has(realPath)) return false;
    this.reported.add(realPath);
    return true;
  }

  async list(dir: string): Promise<string[]> {
    try {
      return (await this.root.list(dir)).sort();
    } catch (err) {
      if (!isMissing(err)) {
        this.gaps.push({ what: this.root.display(dir), reason: `cannot search it for restored etcd data: ${rootReason(err)}` });
      }
      return [];
    }
  }

  /** Breadth first below `start`, `depth` levels, each data dir found named with how. */
  async walk(start: string, depth: number, foundBy: string): Promise<void> {
    // Real paths this walk entered: a link back up (`backup -> ..`) is not walked twice.
    const visited = new Set<string>();
    let level = [start];
    for (let d = 1; d <= depth && level.length > 0 && !this.stopped; d++) {
      const next: string[] = [];
      for (const dir of level) {
        for (const name of await this.list(dir)) {
          this.entries += 1;
          if (this.entries > SEARCH_ENTRIES) {
            this.stopped = true;
            this.gaps.push({
              what: this.root.display(start),
              reason: `the search for restored etcd data stopped after ${SEARCH_ENTRIES} entries: a restore in a folder not yet looked at is not seen`,
            });
            return;
          }
          const path = posix.join(dir, name);
          if (NOT_SEARCHED.has(path)) continue;
          const found = await this.root.resolve(path).catch(() => null);
          if (!found?.info.isDirectory() || visited.has(found.nodePath)) continue;
          visited.add(found.nodePath);
          if (await isDataDir(this.root, path)) {
            if (this.report(found.nodePath)) this.found.push({ path, realPath: found.nodePath, foundBy });
          } else {
            next.push(path);
          }
        }
      }
      level = next;
    }
  }
}

/** `/home/*` and `/backup*` as the node's shell would expand them. */
async function expand(search: Search, pattern: string): Promise<string[]> {
  if (!pattern.endsWith('*')) return [pattern];
  const stem = pattern.slice(0, -1);
  const parent = stem.endsWith('/') ? stem.slice(0, -1) : posix.dirname(stem);
  const prefix = stem.endsWith('/') ? '' : posix.basename(stem);
  return (await search.list(parent)).filter((n) => n.startsWith(prefix) && !(prefix === '' && n.startsWith('.'))).map((n) => posix.join(parent, n));
}

/**
 * Every etcd data dir under the usual places and beside the ones etcd.yaml
 * names (`skip`: their real paths, not reported again), at most SEARCH_DEPTH
 * levels down and SEARCH_ENTRIES entries in all; links are followed inside
 * the root and each directory is looked at once. A folder that cannot be
 * listed, or a search cut short, is a gap.
 */
export async function searchDataDirs(root: NodeRoot, wired: string[], skip: string[], gaps: ScanGap[]): Promise<FoundDataDir[]> {
  const search = new Search(root, gaps);
  for (const path of skip) search.report(path);
  for (const dir of wired) {
    const parent = posix.dirname(dir);
    if (parent !== '/') await search.walk(parent, 1, `beside ${dir}, which etcd.yaml names`);
  }
  for (const pattern of SEARCHED) {
    for (const start of await expand(search, pattern)) {
      const real = await root.resolve(start).catch(() => null);
      if (!real?.info.isDirectory()) continue;
      await search.walk(start, SEARCH_DEPTH, `searching ${pattern === start ? start : `${start} (${pattern})`}, ${SEARCH_DEPTH} levels deep`);
    }
  }
  return search.found;
}

import { constants, type Stats } from 'node:fs';
import { open, readdir, readlink, realpath } from 'node:fs/promises';
import { posix } from 'node:path';
import { describeFsError } from '../manifests/fs-errors.js';
import { PROBE_FLAGS, readOpened, refusal, UnreadableFile, type BoundedRead, type OpenedFile } from '../open-file.js';
import { resolveInRoot, underRoot, type InRoot } from './resolve.js';
import type { ModelPart, ScanGap } from '../types.js';

export function isMissing(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Why a path under the root could not be looked at, in words. */
export function rootReason(err: unknown): string {
  return err instanceof UnreadableFile ? err.reason : describeFsError(err);
}

/**
 * A look at a path under the root (a stat, a listing, a read), or null when it
 * cannot be had: a missing path silently (or as a gap with `missingIsGap`),
 * anything else named as a gap that leaves `affects` partly unseen.
 */
export async function orGap<T>(
  root: NodeRoot,
  path: string,
  gaps: ScanGap[],
  affects: ModelPart[],
  look: () => Promise<T>,
  missingIsGap = false,
): Promise<T | null> {
  try {
    return await look();
  } catch (err) {
    if (!isMissing(err) || missingIsGap) gaps.push({ what: root.display(path), reason: `cannot read: ${rootReason(err)}`, affects });
    return null;
  }
}

function inside(root: string, path: string): boolean {
  return root === '/' || path === root || path.startsWith(`${root}/`);
}

/**
 * A node's files under `--root`: every read goes through resolveInRoot, so
 * no path and no symbolic link leads out of the root. Files are opened with
 * O_NOFOLLOW and O_NONBLOCK once resolved, only when they are regular (never
 * a FIFO, which would wait for a writer, nor a device), and where
 * /proc/self/fd shows what a descriptor opened (proc(5):
 * https://man7.org/linux/man-pages/man5/proc_pid_fd.5.html) the opened file
 * is checked to be under the root, in case the tree changed after the lookup.
 */
export class NodeRoot {
  private real: Promise<string> | undefined;

  constructor(readonly root: string) {}

  /** As findings name it: the root as given + the node's path. */
  display(nodePath: string): string {
    return underRoot(this.root, nodePath);
  }

  resolve(nodePath: string): Promise<InRoot> {
    return resolveInRoot(this.root, nodePath);
  }

  /** What the path is once resolved (never a symbolic link). */
  async stat(nodePath: string): Promise<Stats> {
    return (await this.resolve(nodePath)).info;
  }

  /** The names in a folder. */
  async list(nodePath: string): Promise<string[]> {
    const found = await this.resolve(nodePath);
    if (!found.info.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    // The root itself may be given as a link (`--root /mnt/node`); every path below it is resolved.
    const noFollow = found.nodePath === '/' ? 0 : constants.O_NOFOLLOW;
    const dir = await open(found.disk, constants.O_RDONLY | constants.O_DIRECTORY | noFollow);
    try {
      const proc = await this.checkOpened(dir.fd, nodePath);
      return await readdir(proc ?? found.disk);
    } finally {
      await dir.close();
    }
  }

  /** Opens a regular file for reading; anything else is an UnreadableFile naming it. */
  async open(nodePath: string): Promise<OpenedFile> {
    const what = this.display(nodePath);
    const found = await this.resolve(nodePath).catch((err: unknown) => {
      throw new UnreadableFile(what, rootReason(err), (err as NodeJS.ErrnoException).code);
    });
    const before = refusal(found.info);
    if (before) throw new UnreadableFile(what, before);
    let opened;
    try {
      opened = await open(found.disk, PROBE_FLAGS | constants.O_NOFOLLOW);
    } catch (err) {
      throw new UnreadableFile(what, rootReason(err), (err as NodeJS.ErrnoException).code);
    }
    try {
      const info = await opened.stat();
      const after = refusal(info);
      if (after) throw new UnreadableFile(what, after);
      await this.checkOpened(opened.fd, nodePath);
      return { handle: opened, info };
    } catch (err) {
      await opened.close();
      throw err instanceof UnreadableFile ? err : new UnreadableFile(what, rootReason(err));
    }
  }

  /** A whole regular file, at most `bound.limit` bytes. */
  async readFile(nodePath: string, bound: BoundedRead): Promise<Buffer> {
    const opened = await this.open(nodePath);
    try {
      return await readOpened(opened, this.display(nodePath), bound);
    } finally {
      await opened.handle.close();
    }
  }

  /**
   * `/proc/self/fd/N` when it shows the descriptor's file under the root
   * (null where /proc is not mounted); an UnreadableFile when it is not.
   */
  private async checkOpened(fd: number, nodePath: string): Promise<string | null> {
    const proc = `/proc/self/fd/${fd}`;
    let target: string;
    try {
      target = await readlink(proc);
    } catch {
      return null;
    }
    this.real ??= realpath(this.root).then((p) => posix.normalize(p));
    const root = await this.real;
    if (!inside(root, target)) throw new UnreadableFile(this.display(nodePath), `resolves to ${target}, outside --root ${this.root} (the tree changed while it was read?)`);
    return proc;
  }
}

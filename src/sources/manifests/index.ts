import { realpath, stat } from 'node:fs/promises';
import { progress } from '../../text/progress.js';
import { emptyInputs, mergeInputs, type Inputs } from '../types.js';
import { onDisk } from './display-path.js';
import { describeFsError } from './fs-errors.js';
import { expandGlob, isGlobPattern } from './glob.js';
import { readFilesOnWorkers, usePool, type PoolMode } from './pool.js';
import { readManifestFile, readManifestStream, STDIN } from './read-file.js';
import { findManifestFiles } from './walk.js';

export { streamManifests } from './stream.js';
export type { ManifestEvent } from './events.js';


export interface ReadPathsOptions {
  /** What `-` reads; process.stdin when not given. */
  stdin?: NodeJS.ReadableStream;
  /** Folder relative paths are taken from (the process's working directory when not given); names stay as given. */
  cwd?: string;
  /** Whether a folder's files are read on worker threads (pool.ts); `auto` when not given. */
  pool?: PoolMode;
}

/** Files whose real paths are looked up at once when a folder goes to the pool. */
const REALPATHS_AT_ONCE = 64;

class PathReader {
  readonly inputs = emptyInputs();
  private seen = new Set<string>();

  constructor(private readonly options: ReadPathsOptions) {}

  async path(path: string): Promise<void> {
    if (path === '-') return this.stdin();
    let info;
    try {
      info = await stat(onDisk(path, this.options.cwd));
    } catch (err) {
      const missing = typeof err === 'object' && err !== null && 'code' in err && err.code === 'ENOENT';
      if (missing && isGlobPattern(path)) return this.glob(path);
      this.inputs.gaps.push({ what: path, reason: `cannot read: ${describeFsError(err)}` });
      return;
    }
    if (info.isDirectory()) return this.folder(path, true);
    return this.file(path);
  }

  private async stdin(): Promise<void> {
    if (this.seen.has(STDIN)) return;
    this.seen.add(STDIN);
    const stream: AsyncIterable<Buffer | string> = this.options.stdin ?? process.stdin;
    const before = this.inputs.objects.length;
    await readManifestStream(stream, STDIN, this.inputs);
    this.counted(before);
  }

  private async glob(pattern: string): Promise<void> {
    const matches = await expandGlob(pattern, this.options.cwd);
    if (matches.length === 0) {
      this.inputs.gaps.push({ what: pattern, reason: 'no files match this pattern' });
      return;
    }
    for (const match of matches) {
      const info = await stat(onDisk(match, this.options.cwd)).catch(() => undefined);
      if (info?.isDirectory()) await this.folder(match, false);
      else await this.file(match);
    }
  }

  private async folder(dir: string, named: boolean): Promise<void> {
    const { files, gaps, realPaths } = await findManifestFiles(dir, this.options.cwd);
    this.inputs.gaps.push(...gaps);
    if (files.length === 0 && gaps.length === 0 && named) {
      this.inputs.gaps.push({ what: dir, reason: 'no *.yaml, *.yml or *.json files in this folder' });
    }
    if (usePool(this.options.pool ?? 'auto', files.length)) await this.pooled(files, realPaths);
    else for (const file of files) await this.file(file, realPaths.get(file));
  }

  /**
   * A folder's files read on worker threads, to the same inputs as file() one
   * by one: each file's real path is checked against those seen, in order,
   * then the new ones are read and merged in that order.
   */
  private async pooled(files: string[], known: Map<string, string>): Promise<void> {
    const fresh: string[] = [];
    for (let at = 0; at < files.length; at += REALPATHS_AT_ONCE) {
      const some = files.slice(at, at + REALPATHS_AT_ONCE);
      const reals = await Promise.all(some.map((file) => known.get(file) ?? this.realPath(file)));
      reals.forEach((real, i) => {
        if (this.seen.has(real)) return;
        this.seen.add(real);
        fresh.push(some[i]!);
      });
    }
    await readFilesOnWorkers(fresh, this.options.cwd, (read) => {
      const before = this.inputs.objects.length;
      mergeInputs(this.inputs, read);
      this.counted(before);
    });
  }

  /** Where a file really is, to read it once however it is reached; its name when that cannot be told. */
  private realPath(file: string): Promise<string> {
    return realpath(onDisk(file, this.options.cwd)).catch(() => file);
  }

  private async file(file: string, knownReal?: string): Promise<void> {
    const real = knownReal ?? (await this.realPath(file));
    if (this.seen.has(real)) return;
    this.seen.add(real);
    const options = this.options.cwd === undefined ? {} : { cwd: this.options.cwd };
    const before = this.inputs.objects.length;
    await readManifestFile(file, this.inputs, options);
    this.counted(before);
  }

  /** Once per file read: the terminal's progress line, a no-op unless the CLI shows one. */
  private counted(objectsBefore: number): void {
    progress.count('files read');
    progress.count('objects read', this.inputs.objects.length - objectsBefore);
  }
}

/**
 * Reads manifests from files, folders (recursively: *.yaml, *.yml, *.json,
 * skipping hidden folders and node_modules), shell patterns and `-` (stdin).
 * A file reached twice is read once. Nothing here throws on bad input: what
 * cannot be read is a scan gap, what cannot be parsed a problem, what is not
 * Kubernetes a skipped document.
 */
export async function readPaths(paths: string[], opts: ReadPathsOptions = {}): Promise<Inputs> {
  const reader = new PathReader(opts);
  progress.stage('reading manifests');
  for (const path of paths) await reader.path(path);
  // What follows the reading (building the model, the rules, a plan) is the checking.
  progress.stage('checking');
  return reader.inputs;
}

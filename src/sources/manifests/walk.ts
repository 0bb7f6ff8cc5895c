import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { refusal } from '../open-file.js';
import type { ScanGap } from '../types.js';
import { joinDisplay, onDisk } from './display-path.js';
import { describeFsError } from './fs-errors.js';

const MANIFEST_FILE = /\.(?:ya?ml|json)$/i;

/** Folders a scan never descends into: hidden ones (.git, .github, ...) and node_modules. */
export function isSkippedFolder(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules';
}

export interface FolderContents {
  files: string[];
  gaps: ScanGap[];
  /**
   * The real path of each file that is known without asking: a regular file
   * (not a link) in a folder whose real path the walk looked up is that
   * folder's real path + its name. Saves one realpath(3) per file.
   */
  realPaths: Map<string, string>;
}

/**
 * The *.yaml, *.yml and *.json files under a folder, recursively and sorted,
 * named as the user would (the folder as given + the relative path). Symbolic
 * links are followed; a folder reached twice is read once. A FIFO, device or
 * socket with a manifest's name is a gap: only a path the user names is
 * read as a stream.
 */
export async function findManifestFiles(dir: string, cwd?: string): Promise<FolderContents> {
  const found: FolderContents = { files: [], gaps: [], realPaths: new Map() };
  const visited = new Set<string>();
  await walk(dir, cwd, visited, found);
  return found;
}

async function walk(dir: string, cwd: string | undefined, visited: Set<string>, found: FolderContents): Promise<void> {
  const path = onDisk(dir, cwd);
  let real: string | undefined;
  try {
    real = await realpath(path);
    if (visited.has(real)) return;
    visited.add(real);
  } catch {
    // realpath fails exactly when readdir will; readdir reports it.
  }
  let entries;
  try {
    entries = await readdir(path, { withFileTypes: true });
  } catch (err) {
    found.gaps.push({ what: dir, reason: `cannot read folder: ${describeFsError(err)}` });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const child = joinDisplay(dir, entry.name);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    let special: string | null = null;
    if (!isDirectory && !isFile) {
      try {
        const target = await stat(onDisk(child, cwd));
        isDirectory = target.isDirectory();
        isFile = target.isFile();
        special = isDirectory || isFile ? null : refusal(target) ?? 'is not a regular file';
      } catch (err) {
        if (MANIFEST_FILE.test(entry.name)) {
          found.gaps.push({ what: child, reason: `cannot read: ${describeFsError(err)}${entry.isSymbolicLink() ? ' (broken symbolic link?)' : ''}` });
        }
        continue;
      }
    }
    const manifest = !entry.name.startsWith('.') && MANIFEST_FILE.test(entry.name);
    if (isDirectory) {
      if (!isSkippedFolder(entry.name)) await walk(child, cwd, visited, found);
    } else if (manifest && isFile) {
      found.files.push(child);
      if (real !== undefined && entry.isFile()) found.realPaths.set(child, join(real, entry.name));
    } else if (manifest && special) {
      found.gaps.push({ what: child, reason: `cannot read: ${special}` });
    }
  }
}

import { readdir, realpath, stat } from 'node:fs/promises';
import type { ScanGap } from '../types.js';
import { joinDisplay, onDisk } from './display-path.js';
import { describeFsError } from './fs-errors.js';

export const MANIFEST_FILE = /\.(?:ya?ml|json)$/i;

/** Folders a scan never descends into: hidden ones (.git, .github, ...) and node_modules. */
export function isSkippedFolder(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules';
}

export interface FolderContents {
  files: string[];
  gaps: ScanGap[];
}

/**
 * The *.yaml, *.yml and *.json files under a folder, recursively and sorted,
 * named as the user would (the folder as given + the relative path). Symbolic
 * links are followed; a folder reached twice is read once.
 */
export async function findManifestFiles(dir: string, cwd?: string): Promise<FolderContents> {
  const found: FolderContents = { files: [], gaps: [] };
  const visited = new Set<string>();
  await walk(dir, cwd, visited, found);
  return found;
}

async function walk(dir: string, cwd: string | undefined, visited: Set<string>, found: FolderContents): Promise<void> {
  const path = onDisk(dir, cwd);
  try {
    const real = await realpath(path);
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
    if (entry.isSymbolicLink()) {
      try {
        const target = await stat(onDisk(child, cwd));
        isDirectory = target.isDirectory();
        isFile = target.isFile();
      } catch (err) {
        if (MANIFEST_FILE.test(entry.name)) {
          found.gaps.push({ what: child, reason: `cannot read: ${describeFsError(err)} (broken symbolic link?)` });
        }
        continue;
      }
    }
    if (isDirectory) {
      if (!isSkippedFolder(entry.name)) await walk(child, cwd, visited, found);
    } else if (isFile && !entry.name.startsWith('.') && MANIFEST_FILE.test(entry.name)) {
      found.files.push(child);
    }
  }
}

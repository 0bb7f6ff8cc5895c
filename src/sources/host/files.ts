import { stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { describeFsError } from '../manifests/fs-errors.js';
import type { ScanGap } from '../types.js';
import { isMissing, underRoot } from './paths.js';
import type { HostFile } from './types.js';

/** Whether each file a flag names exists under the root (contents are never read: these include private keys). */
export async function readHostFiles(root: string, paths: string[], gaps: ScanGap[]): Promise<HostFile[]> {
  const files: HostFile[] = [];
  for (const path of [...new Set(paths.map((p) => posix.normalize(p)))].sort()) {
    const file = underRoot(root, path);
    try {
      const info = await stat(file);
      files.push({ path, file, kind: info.isFile() ? 'file' : info.isDirectory() ? 'directory' : 'other' });
    } catch (err) {
      if (isMissing(err)) files.push({ path, file, kind: 'missing' });
      else gaps.push({ what: file, reason: `cannot check: ${describeFsError(err)}`, affects: ['host'] });
    }
  }
  return files;
}

import { posix } from 'node:path';
import { isMissing, NodeRoot, rootReason } from '../root/node-root.js';
import type { ScanGap } from '../types.js';
import type { HostFile } from './types.js';

/**
 * Whether each file a flag names exists under the root, links followed
 * inside it (contents are never read: these include private keys).
 */
export async function readHostFiles(root: NodeRoot, paths: string[], gaps: ScanGap[]): Promise<HostFile[]> {
  const files: HostFile[] = [];
  for (const path of [...new Set(paths.map((p) => posix.normalize(p)))].sort()) {
    const file = root.display(path);
    try {
      const info = await root.stat(path);
      files.push({ path, file, kind: info.isFile() ? 'file' : info.isDirectory() ? 'directory' : 'other' });
    } catch (err) {
      if (isMissing(err)) files.push({ path, file, kind: 'missing' });
      else gaps.push({ what: file, reason: `cannot check: ${rootReason(err)}`, affects: ['host'] });
    }
  }
  return files;
}

import path from 'node:path';

/**
 * A file as GitHub names it in annotations and job summaries: relative to the
 * repository root (the working directory) with forward slashes; a file outside
 * it keeps its absolute path.
 */
export function repoPath(file: string, cwd?: string): string {
  if (cwd === undefined) return file.split(path.sep).join('/');
  const absolute = path.resolve(cwd, file);
  const relative = path.relative(cwd, absolute);
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return absolute;
  return relative.split(path.sep).join('/');
}

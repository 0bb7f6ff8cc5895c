import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * GitHub code scanning matches `artifactLocation.uri` against the files of
 * the repository, so paths are made relative to the repository root with
 * forward slashes; a file outside it keeps an absolute `file://` URI.
 * https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
 */
export function artifactUri(file: string, cwd?: string): string {
  let relative = file;
  if (cwd !== undefined) {
    const absolute = path.resolve(cwd, file);
    relative = path.relative(cwd, absolute);
    if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
      return pathToFileURL(absolute).href;
    }
  } else if (path.isAbsolute(file)) {
    return pathToFileURL(file).href;
  }
  return relative
    .split(path.sep)
    .join('/')
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.')
    .map(encodeURIComponent)
    .join('/');
}

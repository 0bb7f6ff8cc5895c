import { isAbsolute, resolve, sep } from 'node:path';

/** `dir` + `name` keeping `dir` as the user wrote it (`./m` gives `./m/a.yaml`, not `m/a.yaml`). */
export function joinDisplay(dir: string, name: string): string {
  if (dir === '' || dir === '.') return dir === '' ? name : `.${sep}${name}`;
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

/** Where a path the user gave lives on disk, relative paths taken from `cwd`. */
export function onDisk(path: string, cwd: string | undefined): string {
  return cwd === undefined || isAbsolute(path) ? path : resolve(cwd, path);
}

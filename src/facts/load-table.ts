import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/**
 * The rules/data folder (the version tables), found from this module whether it runs from the
 * TypeScript sources (src/facts) or the build (build/src/facts).
 */
function dataDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i += 1) {
    const candidate = join(dir, 'rules', 'data');
    if (existsSync(join(candidate, 'releases.yaml'))) return candidate;
    if (existsSync(join(dir, 'releases.yaml'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('rules/data not found next to the kcheck installation');
}

/** Reads a data table shipped with the rules (static data, read once at start). */
export function loadData<T>(name: string): T {
  return parse(readFileSync(join(dataDir(), name), 'utf8')) as T;
}

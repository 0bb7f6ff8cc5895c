import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installed package's root (the folder holding package.json), from sources or the build. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (dir !== dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'rules'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('kcheck package root not found');
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** The markdown doc of a rule (rules/<id>.md), or null when it has none. */
export function readRuleDoc(id: string): string | null {
  const file = join(packageRoot(), 'rules', `${id}.md`);
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

export function readRuleDocs(ids: string[]): Map<string, string> {
  const docs = new Map<string, string>();
  for (const id of ids) {
    const doc = readRuleDoc(id);
    if (doc) docs.set(id, doc);
  }
  return docs;
}

/** The bundled demo cluster. */
export function demoDir(): string {
  return join(packageRoot(), 'fixtures', 'demo');
}

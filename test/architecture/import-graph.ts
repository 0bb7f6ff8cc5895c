import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The pipeline's floors, lowest first. A module may import its own floor and
 * the floors below it, never one above: plain-text helpers any floor may use,
 * the I/O, then the model,
 * the Kubernetes facts, the predictions made from them, the rule contract and
 * its runner, the rules, the planner that takes the rules as an argument, the
 * reports, and the two adapters that wire it all.
 */
export const FLOORS = ['text', 'sources', 'model', 'facts', 'predict', 'engine', 'rules', 'plan', 'views', 'report', 'cli', 'action'] as const;
export type Floor = (typeof FLOORS)[number];

/** Floors that judge or predict see the model only, never a source's raw shapes. */
export const MODEL_ONLY: Floor[] = ['facts', 'predict', 'engine', 'rules', 'plan'];

export function floorOf(file: string): Floor | null {
  const parts = file.split('/');
  if (parts[0] === 'rules') return 'rules';
  if (parts[0] === 'src' && (FLOORS as readonly string[]).includes(parts[1]!)) return parts[1] as Floor;
  return null;
}

function typescriptFiles(dir: string): string[] {
  return readdirSync(join(REPO, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(REPO, path)).isDirectory()) return typescriptFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

export interface ImportEdge {
  from: string;
  to: string;
}

/** Every relative import between the product's TypeScript files (src/ and rules/), `import type` included. */
export function importEdges(): { files: string[]; edges: ImportEdge[] } {
  const files = [...typescriptFiles('src'), ...typescriptFiles('rules')].sort();
  const known = new Set(files);
  const edges: ImportEdge[] = [];
  for (const from of files) {
    const info = ts.preProcessFile(readFileSync(join(REPO, from), 'utf8'), true, true);
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const to = relative(REPO, normalize(join(REPO, dirname(from), fileName))).replace(/\.js$/, '.ts');
      if (known.has(to)) edges.push({ from, to });
    }
  }
  return { files, edges };
}

/** The import cycles among files: each strongly connected component of more than one file, or a file importing itself (Tarjan). */
export function importCycles(files: string[], edges: ImportEdge[]): string[][] {
  const next = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const e of edges) next.get(e.from)!.push(e.to);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || next.get(v)!.includes(v)) cycles.push(component.sort());
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return cycles;
}

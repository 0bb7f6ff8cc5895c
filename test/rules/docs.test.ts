import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { scan } from '../../src/cli/pipeline.js';
import { argsLine, requestFromArgs } from '../helpers/fixture-args.js';
import { consoleCommand, inPlace, judge, materialize, readDoc, removeExampleFolders, treePaths, yamlExample, type Doc, type Example } from './doc-examples.js';

const FAILING = 'Failing example';
const PASSING = 'Passing example';
const SECTIONS = [FAILING, PASSING];

const dir = mkdtempSync(join(tmpdir(), 'kcheck-docs-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  removeExampleFolders();
});

async function findingsOf(id: string, yaml: string): Promise<string[]> {
  const file = join(dir, `${id}-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  const result = await scan(requestFromArgs(argsLine(yaml), [file]));
  return result.result.findings.filter((f) => f.ruleId === id).map((f) => f.message);
}

/** The `kcheck scan` commands an example's console blocks show. */
function scansOf(doc: Doc, example: Example): string[][] {
  return example.blocks
    .filter((b) => b.lang === 'console')
    .map((b) => consoleCommand(b, `${doc.path}:${b.open + 1}`))
    .filter((args) => args[0] === 'scan');
}

const docs = rules.map((r) => readDoc(r.id));
const examples = docs.flatMap((doc) => doc.examples.filter((e) => SECTIONS.includes(e.section)).map((example) => ({ doc, example })));

describe('rule doc examples run', () => {
  it('every rule has runnable examples', () => {
    for (const doc of docs) {
      for (const section of SECTIONS) {
        const trees = doc.examples.filter((e) => e.section === section && scansOf(doc, e).length > 0);
        expect(yamlExample(doc, section) !== null || trees.length > 0, `${doc.path}: "## ${section}" has a yaml example or a file tree with its kcheck scan`).toBe(true);
      }
      for (const block of doc.blocks.filter((b) => b.lang === 'text' && SECTIONS.includes(b.section))) {
        expect(block.example, `${doc.path}:${block.open + 1}: a file tree names its fixture in an <!-- example: ... --> comment before it`).not.toBeNull();
      }
      for (const example of doc.examples.filter((e) => SECTIONS.includes(e.section))) {
        expect(scansOf(doc, example).length, `${doc.path}:${example.line}: the example shows the kcheck scan that judges it`).toBeGreaterThan(0);
      }
    }
  });

  const yamlDocumented = docs.filter((d) => yamlExample(d, FAILING) !== null).map((d) => d.id);
  it.each(yamlDocumented)('%s: the failing yaml example fires, the passing one does not', async (id) => {
    const doc = readDoc(id);
    expect(yamlExample(doc, PASSING), id).not.toBeNull();
    expect((await findingsOf(id, yamlExample(doc, FAILING)!)).length).toBeGreaterThan(0);
    expect(await findingsOf(id, yamlExample(doc, PASSING)!)).toEqual([]);
  });

  it.each(examples.map(({ doc, example }) => [`${doc.id}: ${example.section} (line ${example.line})`, doc, example] as const))(
    '%s: the tree is the fixture, and its scan fires on a failing example only',
    (_, doc, example) => {
      const place = materialize(doc, example);
      for (const block of example.blocks.filter((b) => b.lang === 'text')) {
        for (const path of treePaths(block.body)) {
          expect(inPlace(place, path), `${doc.path}:${block.open + 1}: ${path} is in the example (${example.spec})`).toBe(true);
        }
      }
      for (const args of scansOf(doc, example)) {
        const { findings, skipped, run } = judge(args, place, doc.id);
        const shown = `kcheck ${args.join(' ')}\n${run.stderr}`;
        expect(run.code, shown).toBeLessThan(2);
        if (example.section === FAILING) {
          expect(findings.length, `${shown}: ${doc.id} should fire`).toBeGreaterThan(0);
        } else {
          expect(findings, `${shown}: ${doc.id} should be quiet`).toEqual([]);
          expect(skipped, `${shown}: ${doc.id} should run, not be skipped`).toBe(false);
        }
      }
    },
  );
});

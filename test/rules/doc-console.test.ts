import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { consoleCommand, materialize, readDoc, removeExampleFolders, rewriteConsoleBlocks, runConsole, shownOutput, UPDATE_DOCS, type Block } from './doc-examples.js';

/**
 * Every ```console block of rules/*.md prints what the command it shows
 * prints, run through the built CLI (build first: npx tsc -p tsconfig.json)
 * on the fixtures its example comment names. `KCHECK_UPDATE_DOCS=1` writes
 * the real output into the blocks instead; review the diff like code.
 */

const ids = readdirSync('rules')
  .filter((f) => f.endsWith('.md'))
  .map((f) => f.slice(0, -3))
  .filter((id) => readDoc(id).blocks.some((b) => b.lang === 'console'));

afterAll(removeExampleFolders);

describe('rule doc console blocks', () => {
  it.each(ids)('%s: each console block shows what its command prints', (id) => {
    const doc = readDoc(id);
    const outputs = new Map<Block, string>();
    for (const block of doc.blocks.filter((b) => b.lang === 'console')) {
      const where = `${doc.path}:${block.open + 1}`;
      const args = consoleCommand(block, where);
      const { run, output } = runConsole(args, materialize(doc, block.example));
      expect(run.code, `${where}: kcheck ${args.join(' ')} did not finish\n${run.stderr}`).toBeGreaterThanOrEqual(0);
      expect(run.code, `${where}: kcheck ${args.join(' ')} could not read everything\n${run.stderr}`).toBeLessThan(2);
      outputs.set(block, output);
    }
    if (UPDATE_DOCS) {
      rewriteConsoleBlocks(doc, outputs);
      return;
    }
    for (const [block, output] of outputs) {
      expect(shownOutput(block), `${doc.path}:${block.open + 1}: ${block.body[0]} (KCHECK_UPDATE_DOCS=1 writes the real output)`).toBe(output);
    }
  });
});

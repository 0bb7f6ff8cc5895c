import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { scan } from '../../src/cli/pipeline.js';
import { argsLine, requestFromArgs } from '../helpers/fixture-args.js';

/** The first fenced yaml block under a heading of a rule doc. */
function example(doc: string, heading: string): string | null {
  const section = doc.split(`\n${heading}\n`)[1]?.split('\n## ')[0];
  const m = section ? /```ya?ml\n([\s\S]*?)```/.exec(section) : null;
  return m ? m[1]! : null;
}

const dir = mkdtempSync(join(tmpdir(), 'kcheck-docs-'));

async function findingsOf(id: string, yaml: string): Promise<string[]> {
  const file = join(dir, `${id}-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  const result = await scan(requestFromArgs(argsLine(yaml), [file]));
  return result.result.findings.filter((f) => f.ruleId === id).map((f) => f.message);
}

describe('rule doc examples run', () => {
  const documented = rules.filter((r) => example(readFileSync(`rules/${r.id}.md`, 'utf8'), '## Failing example') !== null);

  it('every rule has runnable examples, except those about files on a node or backups', () => {
    const fileBased = new Set(['etcd', 'certificates']);
    for (const rule of rules.filter((r) => !fileBased.has(r.category))) {
      expect(documented.map((r) => r.id), rule.id).toContain(rule.id);
    }
    for (const rule of documented) {
      expect(example(readFileSync(`rules/${rule.id}.md`, 'utf8'), '## Passing example'), rule.id).not.toBeNull();
    }
  });

  it.each(documented.map((r) => r.id))('%s: the failing example fires, the passing one does not', async (id) => {
    const doc = readFileSync(`rules/${id}.md`, 'utf8');
    expect((await findingsOf(id, example(doc, '## Failing example')!)).length).toBeGreaterThan(0);
    expect(await findingsOf(id, example(doc, '## Passing example')!)).toEqual([]);
  });
});

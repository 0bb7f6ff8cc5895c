import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scan } from '../../src/cli/pipeline.js';
import { fixtureRequest } from '../helpers/fixture-args.js';

const root = 'fixtures/rules';
const cases = readdirSync(root).flatMap((id) =>
  readdirSync(join(root, id))
    .filter((f) => f.startsWith('fail-') || f.startsWith('pass-'))
    .map((f) => [id, f] as const),
);

describe('rule fixtures', () => {
  it.each(cases)('%s: %s', async (id, file) => {
    const result = await scan(fixtureRequest(join(root, id, file)));
    const mine = result.result.findings.filter((f) => f.ruleId === id);
    if (file.startsWith('fail-')) {
      expect(mine.length, `${id} should fire on ${file}`).toBeGreaterThan(0);
      for (const f of mine) expect(f.message.length).toBeGreaterThan(10);
    } else {
      expect(mine.map((f) => f.message), `${id} should be quiet on ${file}`).toEqual([]);
      expect(result.result.skippedRules.map((s) => s.ruleId)).not.toContain(id);
    }
  });
});

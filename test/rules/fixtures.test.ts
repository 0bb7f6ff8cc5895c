import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scan } from '../../src/cli/pipeline.js';
import { fixtureScan } from '../helpers/fixture-args.js';
import { expectedFor, renderExpected } from './expected-output.js';

const root = 'fixtures/rules';
const cases = readdirSync(root).flatMap((id) =>
  readdirSync(join(root, id))
    .filter((f) => (f.startsWith('fail-') || f.startsWith('pass-')) && !f.endsWith('.expected'))
    .map((f) => [id, f] as const),
);

describe('rule fixtures', () => {
  it.each(cases)('%s: %s', async (id, file) => {
    const path = join(root, id, file);
    const { request, folder } = fixtureScan(path);
    const result = await scan(request);
    const mine = result.result.findings.filter((f) => f.ruleId === id);
    if (file.startsWith('fail-')) {
      expect(mine.length, `${id} should fire on ${file}`).toBeGreaterThan(0);
      // Each finding on the object, line and message a reviewer agreed to.
      // A node-root fixture's folder as the scan saw it (a copy, when the fixture sets file times), or a fixture file's folder.
      const bases = folder ? [folder, resolve(folder), path, resolve(path)] : [join(root, id), resolve(join(root, id))];
      const actual = renderExpected(mine, bases);
      expect(actual, `${path}.expected`).toBe(expectedFor(path, actual));
    } else {
      expect(mine.map((f) => f.message), `${id} should be quiet on ${file}`).toEqual([]);
      expect(result.result.skippedRules.map((s) => s.ruleId)).not.toContain(id);
    }
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeFailure, runIteration, signature, type IterationResult } from './fuzz.js';

/**
 * The fuzzer's fixed sample: the same mutated fixtures on every run, each
 * scanned in this process, every CLI_EVERY-th also as a child process. A
 * longer, time-bounded run with any seed: npm run fuzz -- --minutes 10.
 */

const SEED = 20261120;
const ITERATIONS = 1000;
const CHUNK = 125;
const CLI_EVERY = 40;

const tmp = mkdtempSync(join(tmpdir(), 'kcheck-fuzz-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** One line per distinct broken promise, with the first iteration that shows it. */
function summary(failures: IterationResult[]): string[] {
  const first = new Map<string, string>();
  for (const result of failures) {
    for (const v of result.violations) {
      const key = signature(v);
      if (!first.has(key)) first.set(key, describeFailure({ ...result, violations: [v] }));
    }
  }
  return [...first.values()];
}

describe(`fuzz: ${ITERATIONS} mutated fixtures, seed ${SEED}`, () => {
  for (let start = 0; start < ITERATIONS; start += CHUNK) {
    it(`iterations ${start} to ${start + CHUNK - 1}: exit 0/1/2, no stack trace, every problem at its file, nothing dropped`, async () => {
      const failures: IterationResult[] = [];
      let scanned = 0;
      for (let i = start; i < start + CHUNK; i += 1) {
        const result = await runIteration(SEED, i, { tmp, cliEvery: CLI_EVERY });
        scanned += 1;
        if (result.violations.length > 0) failures.push(result);
      }
      expect(scanned).toBe(CHUNK);
      expect(summary(failures)).toEqual([]);
    }, 240_000);
  }
});

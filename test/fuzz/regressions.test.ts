import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatNames } from '../../src/report/index.js';
import { caseFiles, crashCases, inCopy, materialize, scanArgs } from './corpus.js';
import { checkRun, type MutatedFile } from './fuzz.js';
import { decode } from './oracle.js';

/**
 * Every input the fuzzer ever broke kcheck with (fixtures/fuzz/, see its
 * README), scanned in every report format in this process and with the CLI
 * as a user runs it, held to the promises the fuzzer checks.
 */

const cases = crashCases((bytes) => decode(bytes).text);
const tmp = mkdtempSync(join(tmpdir(), 'kcheck-fuzz-corpus-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('fuzz crash corpus', () => {
  it('holds the crashes, each a small file or folder', () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      const files = c.isDir ? caseFiles(c).map((f) => join(c.source, f.path)) : [c.source];
      for (const file of files) expect(statSync(file).size, file).toBeLessThan(64 * 1024);
    }
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: exit 0/1/2, no stack trace, every problem at its file, nothing dropped', async (_, seed) => {
    const workdir = mkdtempSync(join(tmp, 'case-'));
    const copy = materialize(seed, workdir);
    const files: MutatedFile[] = caseFiles(seed)
      .filter((f) => f.manifest)
      .map((f) => ({ path: f.path, role: f.role, manifest: true, ops: [], bytes: readFileSync(inCopy(copy, f)) }));
    const broken: string[] = [];
    for (const format of formatNames) {
      const args = [...scanArgs(seed, copy), '--format', format];
      // The CLI once, for what a user sees; every format in this process.
      const violations = await checkRun(args, workdir, copy, files, false, format === 'text');
      for (const v of violations) broken.push(`--format ${format}: ${v.kind}: ${v.detail}${v.where ? ` [thrown at ${v.where}]` : ''}`);
    }
    expect([...new Set(broken)]).toEqual([]);
  }, 60_000);
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkOutput, checkScans, scanInProcess, whereThrown } from './harness.js';
import { encode, mutateFile, type Encoding } from './mutate.js';
import { decode, expectedDocuments } from './oracle.js';
import { Rng } from './prng.js';

/** The fuzzer's own parts: if these are wrong, a green fuzz run means nothing. */

const tmp = mkdtempSync(join(tmpdir(), 'kcheck-fuzz-harness-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const NODE = 'apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\nstatus:\n  nodeInfo:\n    kubeletVersion: v1.33.1\n';

describe('Rng', () => {
  it('gives the same sequence for the same seed, another for another seed, and stays in range', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const seqA = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(seqA);
    const r = new Rng(7);
    for (let i = 0; i < 1000; i += 1) {
      const n = r.int(5);
      expect(n).toBeGreaterThanOrEqual(0);
      expect(n).toBeLessThan(5);
    }
  });
});

describe('mutateFile', () => {
  it('mutates the same input the same way for the same seed', () => {
    const input = Buffer.from(`${NODE}---\n${NODE}`);
    for (let seed = 0; seed < 50; seed += 1) {
      const x = mutateFile(input, 'manifest', new Rng(seed));
      const y = mutateFile(input, 'manifest', new Rng(seed));
      expect(y.ops).toEqual(x.ops);
      expect(y.bytes.equals(x.bytes)).toBe(true);
    }
  });

  it('changes the input in most runs and says how', () => {
    const input = Buffer.from(NODE);
    let changed = 0;
    for (let seed = 0; seed < 100; seed += 1) {
      const m = mutateFile(input, 'manifest', new Rng(seed));
      expect(m.ops.length).toBeGreaterThan(0);
      if (!m.bytes.equals(input)) changed += 1;
    }
    expect(changed).toBeGreaterThan(90);
  });
});

describe('oracle', () => {
  it.each(['utf8-bom', 'utf16le-bom', 'utf16le', 'utf16be-bom', 'utf16be', 'crlf'] as Encoding[])('decodes %s back to the text', (encoding) => {
    const text = decode(encode(NODE, encoding)).text;
    expect(text.replace(/\r\n/g, '\n')).toBe(NODE);
  });

  it('counts documents and list items, not null ones', () => {
    const list = 'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod}\n- ~\n- {apiVersion: v1, kind: Pod}\n';
    expect(expectedDocuments(Buffer.from(`${NODE}---\n${list}---\n~\n---\n# only a comment\n`))).toMatchObject({ format: 'yaml', units: 3 });
    expect(expectedDocuments(Buffer.from('{"kind":"List","items":[{},{}]}\n{"kind":"Pod"}'))).toMatchObject({ format: 'json', units: 3 });
    expect(expectedDocuments(encode(NODE, 'utf16be'))).toMatchObject({ format: 'yaml', encoding: 'utf16be', units: 1 });
  });

  it('knows YAML and JSON that do not parse, and binary files', () => {
    // A block sequence followed by a mapping at column 0.
    expect(expectedDocuments(Buffer.from('- a: 1\nkind: Pod\n')).invalid).toBeDefined();
    expect(expectedDocuments(Buffer.from('{"a": 1,}')).invalid).toBeDefined();
    expect(expectedDocuments(Buffer.from(`${'['.repeat(100_000)}1${']'.repeat(100_000)}`)).format).toBe('json');
    expect(expectedDocuments(Buffer.from('kind: Pod\n\u0000\n'))).toMatchObject({ format: 'binary', units: 1 });
  });
});

describe('checks', () => {
  const workdir = join(tmp, 'work');

  it('pass a clean run and flag each broken promise of the output', () => {
    expect(checkOutput({ code: 1, stdout: 'ok\n', stderr: '' }, workdir, 'x')).toEqual([]);
    const kinds = (stdout: string, stderr: string, code = 2) => checkOutput({ code, stdout, stderr }, workdir, 'x').map((v) => v.kind).sort();
    expect(kinds('', 'TypeError: x is not a function\n    at f (file:///a/b.js:1:2)\n')).toEqual(['js-error-message', 'stack-trace', 'stack-trace', 'unnamed-problem']);
    expect(kinds('', 'kcheck: internal error: boom\n')).toEqual(['internal-error']);
    expect(kinds('', '', 134)).toEqual(['exit-code']);
    expect(kinds('', `kcheck: ${workdir}/kcheck.yaml:3: not valid YAML\n`)).toEqual([]);
    expect(kinds('', 'kcheck: invalid configuration\n  rules: no rule "x"\n')).toEqual(['unnamed-problem']);
    expect(kinds('', `kcheck: invalid configuration\n  ${workdir}/c.yaml:2: rules: no rule "x"\n`)).toEqual([]);
  });

  it('flag documents a scan did not account for, and a file that does not parse yet passes', async () => {
    const dir = mkdtempSync(join(tmp, 'scan-'));
    const file = join(dir, 'node.yaml');
    writeFileSync(file, NODE);
    const outcome = await scanInProcess([file, '--now', '2026-11-20T00:00:00Z', '--config', '/dev/null'], dir);
    expect(checkOutput(outcome, dir, 'x')).toEqual([]);
    expect(checkScans(outcome, dir, [{ path: file, bytes: Buffer.from(NODE) }], false)).toEqual([]);
    // Told the file held three documents, the check sees two were not read.
    const three = Buffer.from(`${NODE}---\n${NODE}---\n${NODE}`);
    expect(checkScans(outcome, dir, [{ path: file, bytes: three }], false).map((v) => v.kind)).toEqual(['lost-input']);
    // Told the file does not parse, the check sees no problem reported for it.
    expect(checkScans(outcome, dir, [{ path: file, bytes: Buffer.from('a: [\n') }], false).map((v) => v.kind)).toEqual(['missed-parse-error']);
  });

  it('name the line of kcheck code an exception came from', () => {
    const stack = 'TypeError: x\n    at f (/srv/kcheck/node_modules/yaml/dist/a.js:1:1)\n    at g (/srv/kcheck/src/model/pods.ts:91:7)\n';
    expect(whereThrown(stack, '/srv/kcheck')).toBe('src/model/pods.ts:91');
    expect(whereThrown('TypeError: x\n    at g (file:///srv/kcheck/build/rules/a.js:5:1)', '/srv/kcheck')).toBe('rules/a.js:5');
  });
});

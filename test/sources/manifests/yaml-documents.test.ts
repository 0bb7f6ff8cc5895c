import { describe, expect, it } from 'vitest';
import { quickDocument } from '../../../src/sources/manifests/yaml-quick-items.js';
import { offsetLines, preciseDocumentPieces, yamlDocumentPieces } from '../../../src/sources/manifests/yaml-text.js';
import { Rng } from '../../fuzz/prng.js';
import { manifestFiles } from '../../bench/generate/manifest-tree.js';

/** Both readings of one document's text, with the same list numbering. */
function both(text: string): { fast: unknown; precise: unknown } {
  let a = 0;
  let b = 0;
  return { fast: yamlDocumentPieces(text, offsetLines(3), () => ++a), precise: preciseDocumentPieces(text, offsetLines(3), () => ++b) };
}

/** The documents of generated manifest files, one text each. */
function generatedDocuments(files: number, seed: number): string[] {
  const texts: string[] = [];
  for (const file of manifestFiles({ files, seed })) {
    if (file.path.endsWith('.yaml')) texts.push(...file.text.split(/^---\n/m));
  }
  return texts;
}

const PIECES = [':', ' ', '  ', '-', '- ', '"', "'", '#', ' #', '|', '>', '[', ']', '{', '}', ',', '\n', '\n  ', '&a', '*a', '!', '?', '~', 'null', '0x1F', '...', '---', '%', '\\'];

/** The text with a few characters inserted, deleted or replaced. */
function damage(text: string, rng: Rng): string {
  let out = text;
  for (let n = rng.range(1, 3); n > 0; n--) {
    const at = rng.int(out.length + 1);
    const op = rng.int(3);
    if (op === 0) out = out.slice(0, at) + rng.pick(PIECES) + out.slice(at);
    else if (op === 1) out = out.slice(0, at) + out.slice(at + rng.range(1, 4));
    else out = out.slice(0, at) + rng.pick(PIECES) + out.slice(at + 1);
  }
  return out;
}

const LINES = ['a: 1', 'b:', '  c: d', '  - e', '- f', 'g: "h i"', "j: 'k''l'", 'm: |', '  text', '    more', 'n: [o, p]', 'q: {r: s}', '# comment', '', '  ', 'items:', 'kind: List', 't: null', 'u: ~', 'v: 1e3', 'w: .inf', 'x: -0', 'y: "z\\', '  w"', 'key: >-', '   folded'];

describe('reading whole YAML documents fast', () => {
  it('reads generated manifests with js-yaml to what the yaml package reads', () => {
    const texts = generatedDocuments(200, 7);
    let quick = 0;
    for (const text of texts) {
      if (quickDocument(text)) quick++;
      const { fast, precise } = both(text);
      expect(fast, text).toEqual(precise);
    }
    expect(texts.length).toBeGreaterThan(300);
    expect(quick).toBe(texts.length);
  });

  it('gives the same pieces as the yaml package on damaged manifests', () => {
    const rng = new Rng(20261121);
    const texts = generatedDocuments(100, 11);
    let quick = 0;
    for (let i = 0; i < 800; i++) {
      const text = damage(rng.pick(texts), rng);
      if (quickDocument(text)) quick++;
      const { fast, precise } = both(text);
      expect(fast, text).toEqual(precise);
    }
    expect(quick).toBeGreaterThan(250);
  });

  it('gives the same pieces as the yaml package on documents of random lines', () => {
    const rng = new Rng(1121);
    let quick = 0;
    for (let i = 0; i < 6000; i++) {
      const text = Array.from({ length: rng.range(1, 8) }, () => rng.pick(LINES)).join('\n');
      if (quickDocument(text)) quick++;
      const { fast, precise } = both(text);
      expect(fast, text).toEqual(precise);
    }
    expect(quick).toBeGreaterThan(300);
  });

  it('leaves lists, sequences, scalars and indented documents to the yaml package', () => {
    for (const text of ['items:\n- a: 1', 'items: [a]', '- a: 1', 'just text', '  a: 1', '"a": 1', '{a: 1}', '# only a comment', '']) {
      expect(quickDocument(text), text).toBeUndefined();
    }
  });
});

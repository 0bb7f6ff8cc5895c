import { describe, expect, it } from 'vitest';
import { isGlobPattern, segmentPattern } from '../../../src/sources/manifests/glob.js';

describe('shell pattern segments', () => {
  it.each([
    ['*.yaml', 'pod.yaml', true],
    ['*.yaml', 'pod.yml', false],
    ['*.y?ml', 'pod.yaml', true],
    ['pod-?.json', 'pod-1.json', true],
    ['pod-?.json', 'pod-12.json', false],
    ['[abc]*', 'b.yaml', true],
    ['[abc]*', 'd.yaml', false],
    ['[a-c]*', 'c.yaml', true],
    ['[!a-c]*', 'c.yaml', false],
    ['[^a-c]*', 'd.yaml', true],
    ['[]x]', ']', true],
    ['a[', 'a[', true],
    ['\\*.yaml', '*.yaml', true],
    ['\\*.yaml', 'x.yaml', false],
    ['a.b(c)+', 'a.b(c)+', true],
    ['a.b', 'axb', false],
  ])('%s against %s is %s', (pattern, name, expected) => {
    expect(segmentPattern(pattern).test(name)).toBe(expected);
  });

  it('tells patterns from plain paths', () => {
    expect(isGlobPattern('manifests/*.yaml')).toBe(true);
    expect(isGlobPattern('manifests/**')).toBe(true);
    expect(isGlobPattern('pod-?.yaml')).toBe(true);
    expect(isGlobPattern('pod-[12].yaml')).toBe(true);
    expect(isGlobPattern('manifests/pod.yaml')).toBe(false);
  });
});

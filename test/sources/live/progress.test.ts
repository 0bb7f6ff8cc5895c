import { describe, expect, test } from 'vitest';
import { Progress } from '../../../src/sources/live/progress.js';
import { retryAfterMs } from '../../../src/sources/live/client.js';

function stream(isTTY: boolean): { isTTY: boolean; text: string; write(t: string): boolean } {
  return {
    isTTY,
    text: '',
    write(t: string) {
      this.text += t;
      return true;
    },
  };
}

describe('the progress line', () => {
  test('on a terminal it counts resources and objects, then clears itself', () => {
    const out = stream(true);
    const progress = new Progress('prod', out, 0);
    progress.addResources(13);
    progress.addObjects(41200);
    progress.resourceDone();
    expect(out.text).toContain('\r\x1b[Kkcheck: reading prod: 1/13 resources, 41,200 objects');
    progress.finish();
    expect(out.text.endsWith('\r\x1b[K')).toBe(true);
  });

  test('when stderr is not a terminal nothing is written', () => {
    const out = stream(false);
    const progress = new Progress('prod', out, 0);
    progress.addResources(13);
    progress.addObjects(5);
    progress.resourceDone();
    progress.finish();
    expect(out.text).toBe('');
  });
});

describe('Retry-After', () => {
  test('is read as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs({ 'retry-after': '3' }, now)).toBe(3000);
    expect(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }, now)).toBe(5000);
    expect(retryAfterMs({}, now)).toBeNull();
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeNull();
  });
});

import { describe, expect, test } from 'vitest';
import { Progress } from '../../../src/sources/live/progress.js';
import { retryAfterMs } from '../../../src/sources/live/client.js';
import { deprecatedApiLines } from '../../../src/sources/live/metrics.js';

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

  test('shows a hostile context name instead of letting the terminal obey it', () => {
    const out = stream(true);
    const progress = new Progress('prod\x1b]0;owned\x07\n::add-mask::x\u202e', out, 0);
    progress.resourceDone();
    expect(out.text).toBe('\r\x1b[Kkcheck: reading prod\\x1b]0;owned\\x07\\n::add-mask::x\\u202e: 1/0 resources, 0 objects');
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

describe('the /metrics answer', () => {
  test('is cut to the deprecated-API gauge and its HELP and TYPE lines', () => {
    const text = [
      '# HELP apiserver_request_total [STABLE] Counter of apiserver requests',
      '# TYPE apiserver_request_total counter',
      'apiserver_request_total{code="200",verb="LIST"} 12',
      '# HELP apiserver_requested_deprecated_apis [STABLE] Gauge of deprecated APIs that have been requested',
      '# TYPE apiserver_requested_deprecated_apis gauge',
      'apiserver_requested_deprecated_apis{group="flowcontrol.apiserver.k8s.io",removed_release="1.32",resource="flowschemas",subresource="",version="v1beta3"} 1',
      'apiserver_requested_deprecated_apis_other 3',
      '',
    ].join('\n');
    expect(deprecatedApiLines(text)).toBe(
      [
        '# HELP apiserver_requested_deprecated_apis [STABLE] Gauge of deprecated APIs that have been requested',
        '# TYPE apiserver_requested_deprecated_apis gauge',
        'apiserver_requested_deprecated_apis{group="flowcontrol.apiserver.k8s.io",removed_release="1.32",resource="flowschemas",subresource="",version="v1beta3"} 1',
        '',
      ].join('\n'),
    );
    expect(deprecatedApiLines('apiserver_request_total 1\n')).toBe('');
  });
});

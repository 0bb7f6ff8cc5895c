import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JSON_FORMAT_VERSION, formatJson } from '../../src/report/json.js';
import { context, fixtures, type FixtureName } from './fixtures.js';

const doc = readFileSync(new URL('../../docs/json-format.md', import.meta.url), 'utf8');

/** Every key path in a JSON value: `findings[].object.kind`; arrays of scalars are leaves. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((item) => (item !== null && typeof item === 'object' ? keyPaths(item, `${prefix}[]`) : []));
  }
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return [path, ...keyPaths(child, path)];
  });
}

const emitted = new Set(
  (Object.keys(fixtures) as FixtureName[]).flatMap((name) => keyPaths(JSON.parse(formatJson(fixtures[name], context())))),
);
const documented = new Set([...doc.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1] ?? ''));

describe('json report', () => {
  it('renders the mixed result as the reviewed snapshot', async () => {
    await expect(formatJson(fixtures.mixed, context())).toMatchFileSnapshot('__snapshots__/json/mixed.json');
  });

  it('keeps its keys in the documented order, whatever order the finding was built in', () => {
    const [first] = fixtures.files.findings;
    const shuffled = Object.fromEntries(Object.entries(first!).reverse()) as typeof first & object;
    const report = JSON.parse(formatJson({ ...fixtures.files, findings: [shuffled] }, context()));
    expect(Object.keys(report)).toEqual([
      'tool', 'version', 'capturedAt', 'target', 'cluster', 'scanned', 'findings',
      'skippedRules', 'skippedDocuments', 'incomplete', 'summary',
    ]);
    expect(Object.keys(report.findings[0])).toEqual([
      'ruleId', 'severity', 'message', 'object', 'location', 'cluster', 'remediation', 'docsUrl', 'suppressed',
    ]);
    expect(Object.keys(report.findings[0].object)).toEqual(['apiVersion', 'kind', 'namespace', 'name']);
    expect(Object.keys(report.summary)).toEqual(['error', 'warning', 'info', 'suppressed']);
  });

  it('is indented with two spaces and ends with a newline', () => {
    const text = formatJson(fixtures.clean, context());
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
  });

  it('names the tool, its version and the format version', () => {
    const report = JSON.parse(formatJson(fixtures.clean, context({ toolVersion: '2.3.4' })));
    expect(report.tool).toEqual({ name: 'kcheck', version: '2.3.4' });
    expect(report.version).toBe(JSON_FORMAT_VERSION);
    expect(report.capturedAt).toBe('2025-06-01T12:00:00.000Z');
  });

  it('keeps suppressed findings with their kind and reason, and counts them apart', () => {
    const report = JSON.parse(formatJson(fixtures.suppressed, context()));
    expect(report.findings.map((f: { suppressed: unknown }) => f.suppressed)).toEqual([
      null,
      { kind: 'annotation', reason: 'GPU driver pinned until the Q3 hardware refresh' },
      { kind: 'config', reason: 'the CI image ships its own kubectl' },
    ]);
    expect(report.summary).toEqual({ error: 1, warning: 0, info: 0, suppressed: 2 });
  });

  it('writes null for a missing namespace, apiVersion, object and location', () => {
    const report = JSON.parse(formatJson(fixtures.flags, context()));
    expect(report.findings[0].object).toEqual({ apiVersion: null, kind: 'Component', namespace: null, name: 'kubectl' });
    expect(report.findings[0].location).toBeNull();
    expect(report.findings[1].object).toBeNull();
  });

  it('lists the gaps of an incomplete scan, and says null when the scan was complete', () => {
    const incomplete = JSON.parse(formatJson(fixtures.incompleteClean, context()));
    expect(incomplete.incomplete.gaps.map((g: { what: string }) => g.what)).toEqual(['prod-eu/nodes', 'prod-eu/pods']);
    expect(JSON.parse(formatJson(fixtures.clean, context())).incomplete).toBeNull();
  });

  it('documents every field it writes', () => {
    expect([...emitted].filter((path) => !documented.has(path))).toEqual([]);
  });

  it('writes every field it documents', () => {
    expect([...documented].filter((path) => !emitted.has(path))).toEqual([]);
  });

  it('prints exactly the example shown in docs/json-format.md', () => {
    const example = /```json\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBe(formatJson(fixtures.documented, context()));
  });
});

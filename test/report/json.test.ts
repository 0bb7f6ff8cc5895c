import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JSON_FORMAT_VERSION, formatJson } from '../../src/report/json.js';
import { contextFor, finding, fixtures, runResult, type FixtureName } from './fixtures.js';

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

const names = Object.keys(fixtures) as FixtureName[];
const json = (name: FixtureName): string => formatJson(fixtures[name], contextFor(name, 'json'));
const report = (name: FixtureName) => JSON.parse(json(name));

const emitted = new Set(names.flatMap((name) => keyPaths(report(name))));
const documented = new Set([...doc.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1] ?? ''));

describe('json report', () => {
  it('renders the mixed scan as the reviewed snapshot', async () => {
    await expect(json('mixed')).toMatchFileSnapshot('__snapshots__/json/mixed.json');
  });

  it('renders the documented scan as the reviewed snapshot', async () => {
    await expect(json('documented')).toMatchFileSnapshot('__snapshots__/json/documented.json');
  });

  it('keeps its keys in the documented order, whatever order the finding was built in', () => {
    const [first] = fixtures.files.findings.filter((f) => f.object);
    const shuffled = Object.fromEntries(Object.entries(first!).reverse()) as typeof first & object;
    const out = JSON.parse(formatJson({ ...fixtures.files, findings: [shuffled] }, contextFor('files', 'json')));
    expect(Object.keys(out)).toEqual([
      'tool', 'version', 'capturedAt', 'target', 'cluster', 'scanned', 'findings',
      'skippedRules', 'skippedDocuments', 'incomplete', 'summary',
    ]);
    expect(Object.keys(out.findings[0])).toEqual([
      'ruleId', 'severity', 'message', 'object', 'location', 'cluster', 'remediation', 'docsUrl', 'suppressed',
    ]);
    expect(Object.keys(out.findings[0].object)).toEqual(['apiVersion', 'kind', 'namespace', 'name']);
    expect(Object.keys(out.summary)).toEqual(['error', 'warning', 'info', 'suppressed']);
  });

  it('is indented with two spaces and ends with a newline', () => {
    for (const name of names) {
      const text = json(name);
      expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    }
  });

  it('names the tool, its version and the format version', () => {
    const out = JSON.parse(formatJson(fixtures.clean, { ...contextFor('clean', 'json'), toolVersion: '2.3.4' }));
    expect(out.tool).toEqual({ name: 'kcheck', version: '2.3.4' });
    expect(out.version).toBe(JSON_FORMAT_VERSION);
    expect(out.capturedAt).toBe('2026-11-20T00:00:00.000Z');
    expect(report('clean').tool.version).toBe(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
  });

  it('keeps suppressed findings with their kind and reason, and counts them apart', () => {
    const out = report('suppressed');
    expect(out.findings.map((f: { suppressed: unknown }) => f.suppressed)).toEqual([
      null,
      { kind: 'annotation', reason: 'GPU driver pins 1.29 until CHG-4821 (2026-12-05); drained and cordoned' },
      { kind: 'config', reason: 'worker-1 is replaced in the Q1 hardware refresh' },
    ]);
    expect(out.summary).toEqual({ error: 1, warning: 0, info: 0, suppressed: 2 });
  });

  it('writes null for a missing namespace, apiVersion, object and location', () => {
    const flags = report('flags');
    expect(flags.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['kubectl-version-skew', 'release-data-outdated']);
    for (const f of flags.findings) {
      expect(f.object).toBeNull();
      expect(f.location).toBeNull();
      expect(f.cluster).toBeNull();
    }
    const node = report('files').findings.find((f: { object: { kind?: string } | null }) => f.object?.kind === 'Node');
    expect(node.object.namespace).toBeNull();
    // No rule reports an object without its apiVersion today; the formatter still writes null for one.
    const bare = finding({ ruleId: 'kubelet-version-skew', message: 'm', object: { kind: 'Node', name: 'n1' } });
    expect(JSON.parse(formatJson(runResult({ findings: [bare] }), contextFor('clean', 'json'))).findings[0].object).toEqual({
      apiVersion: null, kind: 'Node', namespace: null, name: 'n1',
    });
  });

  it('lists the gaps of an incomplete scan, and says null when the scan was complete', () => {
    expect(report('incompleteClean').incomplete.gaps).toEqual([
      { what: 'prod-eu/nodes', reason: 'forbidden: needs list on nodes (core)' },
      { what: 'prod-eu/pods', reason: 'forbidden: needs list on pods (core)' },
    ]);
    expect(report('clean').incomplete).toBeNull();
  });

  it('documents every field it writes', () => {
    expect([...emitted].filter((path) => !documented.has(path))).toEqual([]);
  });

  it('writes every field it documents', () => {
    expect([...documented].filter((path) => !emitted.has(path))).toEqual([]);
  });

  it('prints exactly the example shown in docs/json-format.md', () => {
    // The example is the output of: kcheck scan fixtures/rules/ignore-without-reason/pass-reason-given.yaml
    //   --target 1.34 --kubectl-version v1.31.4 --now 2026-11-20T00:00:00Z --config /dev/null --format json
    const example = /```json\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example, 'the first example of docs/json-format.md is not what kcheck prints: it should be __snapshots__/json/documented.json').toBe(json('documented'));
  });
});

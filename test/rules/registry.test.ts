import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';

const ruleFiles = readdirSync('rules')
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
  .map((f) => f.replace(/\.ts$/, ''));

describe('rule registry', () => {
  it('lists rules sorted by id, each once', () => {
    const ids = rules.map((r) => r.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('registers every rule file, under the file name as its id', () => {
    expect(rules.map((r) => r.id).sort()).toEqual(ruleFiles.sort());
  });

  it.each(ruleFiles)('%s has its doc, a failing and a passing fixture', (id) => {
    expect(existsSync(`rules/${id}.md`), `rules/${id}.md`).toBe(true);
    const fixtures = existsSync(`fixtures/rules/${id}`) ? readdirSync(`fixtures/rules/${id}`) : [];
    expect(fixtures.some((f) => f.startsWith('fail-')), `fixtures/rules/${id}/fail-*`).toBe(true);
    expect(fixtures.some((f) => f.startsWith('pass-')), `fixtures/rules/${id}/pass-*`).toBe(true);
  });

  it.each(ruleFiles)('%s doc has the required headings', (id) => {
    const doc = readFileSync(`rules/${id}.md`, 'utf8');
    expect(doc.startsWith(`# ${id}\n`)).toBe(true);
    for (const heading of ['## Why it matters', '## Failing example', '## Passing example', '## How to fix']) {
      expect(doc, `${id}: ${heading}`).toContain(`\n${heading}\n`);
    }
  });

  it.each(rules.map((r) => [r.id, r] as const))('%s has metadata an operator can act on', (_id, rule) => {
    expect(rule.description.length).toBeGreaterThan(20);
    expect(rule.remediation.length).toBeGreaterThan(20);
    expect(['error', 'warning', 'info']).toContain(rule.severity);
  });
});

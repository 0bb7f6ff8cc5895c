import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { ruleTableMarkdown, RULE_TABLE_END, RULE_TABLE_START } from '../../src/report/rule-table.js';
import { runCli } from '../helpers/run-cli.js';
import { validateSarif } from '../report/sarif-validate.js';

interface JsonFinding {
  ruleId: string;
  suppressed: unknown;
  location: { file: string; line: number } | null;
}

describe('kcheck demo', () => {
  const run = runCli(['demo', '--format', 'json']);
  const report = JSON.parse(run.stdout) as { findings: JsonFinding[]; summary: Record<string, number> };

  it('exits 0: its problems are there on purpose', () => {
    expect(run.code).toBe(0);
  });

  it('exits 1 with --fail-on error: the demo cluster has errors', () => {
    expect(runCli(['demo', '--fail-on', 'error']).code).toBe(1);
  });

  it.each(rules.map((r) => r.id))('shows a finding of %s', (id) => {
    expect(report.findings.filter((f) => f.ruleId === id && !f.suppressed).length).toBeGreaterThan(0);
  });

  it('prints text with a summary line', () => {
    const text = runCli(['demo']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/✖ \d+ problems \(\d+ errors?, \d+ warnings?, \d+ info\)/);
  });

  it('produces SARIF that GitHub code scanning accepts', () => {
    const sarif = runCli(['demo', '--format', 'sarif']);
    expect(sarif.code).toBe(0);
    validateSarif(JSON.parse(sarif.stdout));
  });
});

describe('README', () => {
  const readme = readFileSync('README.md', 'utf8');

  it('has a quick start of exactly two commands', () => {
    const quickStart = readme.split('## Quick start')[1]!.split('```sh\n')[1]!.split('```')[0]!;
    expect(quickStart.trim().split('\n')).toEqual(['npm install && npx kcheck demo', 'npm test']);
  });

  it('has the rule table of the current rules (npm run docs regenerates it)', () => {
    const table = readme.slice(readme.indexOf(RULE_TABLE_START) + RULE_TABLE_START.length + 1, readme.indexOf(RULE_TABLE_END));
    expect(table).toBe(ruleTableMarkdown(rules));
  });

  it('.ci/run runs the README test command', () => {
    expect(readFileSync('.ci/run', 'utf8')).toMatch(/^npm test$/m);
  });
});

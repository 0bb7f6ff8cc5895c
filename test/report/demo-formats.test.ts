import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../helpers/run-cli.js';

describe('kcheck demo in every format', () => {
  it('writes workflow annotations with --format github', () => {
    const run = runCli(['demo', '--format', 'github']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.every((l) => /^::(error|warning|notice) [^:]*::/.test(l))).toBe(true);
    expect(lines.filter((l) => l.startsWith('::error ')).length).toBe(10);
  });

  it('writes the job summary with --format markdown, the plan to the demo\'s target at the end', () => {
    const run = runCli(['demo', '--format', 'markdown']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^## kcheck: \d+ errors/);
    expect(run.stdout).toContain('## Upgrade plan v1.29.10 → 1.33');
  });

  it('writes JUnit XML with --format junit', () => {
    const run = runCli(['demo', '--format', 'junit']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="kcheck" tests="\d+" failures="\d+"/);
  });

  it('writes policy reports with --format policyreport', () => {
    const run = runCli(['demo', '--format', 'policyreport']);
    expect(run.code).toBe(0);
    const kinds = parseAllDocuments(run.stdout).map((d) => (d.toJS() as { kind: string; metadata: { namespace?: string } }));
    expect(kinds[0]?.kind).toBe('ClusterPolicyReport');
    expect(kinds.filter((k) => k.kind === 'PolicyReport').map((k) => k.metadata.namespace)).toContain('shop');
  });

  it('writes one HTML page with --format html', () => {
    const run = runCli(['demo', '--format', 'html']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^<!DOCTYPE html>/);
    expect(run.stdout.trimEnd()).toMatch(/<\/html>$/);
  });

  it('names the code scanning category given with --sarif-category', () => {
    const run = runCli(['demo', '--format', 'sarif', '--sarif-category', 'clusters/demo']);
    const sarif = JSON.parse(run.stdout) as { runs: { automationDetails: { id: string } }[] };
    expect(sarif.runs[0]?.automationDetails.id).toBe('clusters/demo/');
  });
});

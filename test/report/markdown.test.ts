import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/engine/types.js';
import { JOB_SUMMARY_MAX_BYTES, markdownReport, tableCell } from '../../src/report/markdown.js';
import { CLUSTER, context, contextFor, finding, fixtures, runResult } from './fixtures.js';
import { demoContext } from './demo-scan.js';

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

function tableRows(markdown: string): string[] {
  const table = markdown.split('### Findings that matter most')[1] ?? '';
  return table.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| severity'));
}

function longFindings(count: number, length: number): Finding[] {
  return Array.from({ length: count }, (_, i) =>
    finding({
      ruleId: 'kubelet-version-skew',
      message: `kubelet on node worker-${i} ${'is far behind the control plane '.repeat(Math.ceil(length / 33))}`.slice(0, length),
      location: { file: 'cluster.yaml', line: i + 1, column: 3 },
    }),
  );
}

describe('markdown job summary format', () => {
  it('gives the counts, the findings per rule and the findings that matter most, errors first', () => {
    const markdown = markdownReport(fixtures.mixed, contextFor('mixed', 'markdown'));
    expect(markdown).toMatch(/^## kcheck: 6 errors, 2 warnings, 1 info\n/);
    expect(markdown).toContain(`Cluster **${CLUSTER}**, captured 2026-11-20T00:00:00Z, no upgrade target, 2 suppressed, 7 rules skipped.`);
    expect(markdown).toContain('| [`removed-api`](https://github.com/kcheck-dev/kcheck/blob/main/rules/removed-api.md) | 1 |  |  |');
    const rows = tableRows(markdown);
    expect(rows).toHaveLength(fixtures.mixed.findings.filter((f) => !f.suppressed).length);
    expect(rows[0]).toMatch(/^\| ❌ error \| \[`parse-error`\]/);
    expect(rows.at(-1)).toMatch(/^\| ℹ️ info \| \[`release-data-outdated`\]/);
    expect(rows.some((r) => r.includes('worker-1'))).toBe(false);
    expect(markdown).toContain(`\`Pod kube-system/kube-controller-manager-cp-1 (cluster ${CLUSTER})\``);
    expect(markdown).toContain('`fixtures/demo/cluster/legacy-apis.yaml:3:1`');
  });

  it('keeps pipes, line breaks and HTML inside their table cell', () => {
    expect(tableCell('a | b\nc <script>&')).toBe('a \\| b<br>c &lt;script&gt;&amp;');
    const result = runResult({ findings: [finding({ ruleId: 'parse-error', message: 'bad | value <x>\nmore', location: { file: 'a.yaml', line: 1, column: 1 } })] });
    const [row] = tableRows(markdownReport(result, context()));
    expect(row).toBe('| ❌ error | [`parse-error`](https://github.com/kcheck-dev/kcheck/blob/main/rules/parse-error.md) | `a.yaml:1:1` | bad \\| value &lt;x&gt; more |');
  });

  it('stays under GitHub\'s 1 MiB and says how many findings it left out', () => {
    const result = runResult({ findings: longFindings(6000, 400) });
    const markdown = markdownReport(result, context(), { maxRows: Infinity });
    expect(bytes(markdown)).toBeLessThanOrEqual(JOB_SUMMARY_MAX_BYTES);
    const shown = tableRows(markdown).length;
    expect(shown).toBeGreaterThan(1000);
    expect(markdown).toContain(`_${6000 - shown} more findings not listed here (a job summary holds at most 1 MiB)`);
  });

  it('cuts to any byte budget it is given', () => {
    const result = runResult({ findings: longFindings(50, 200) });
    const markdown = markdownReport(result, context(), { maxBytes: 4096 });
    expect(bytes(markdown)).toBeLessThanOrEqual(4096);
    expect(markdown).toMatch(/_\d+ more findings not listed here/);
  });

  it('lists at most the rows it is asked for, with a note', () => {
    const markdown = markdownReport(runResult({ findings: longFindings(30, 50) }), context(), { maxRows: 20 });
    expect(tableRows(markdown)).toHaveLength(20);
    expect(markdown).toContain('_10 more findings not listed here (the table shows the 20 findings that matter most)');
  });

  it('says a clean scan is clean, and warns when it is incomplete', () => {
    expect(markdownReport(fixtures.clean, contextFor('clean', 'markdown'))).toMatch(/^## kcheck: ✅ no problems\n/);
    expect(markdownReport(fixtures.allSuppressed, contextFor('allSuppressed', 'markdown'))).toMatch(/^## kcheck: ✅ no problems\n/);
    const incomplete = markdownReport(fixtures.incompleteClean, contextFor('incompleteClean', 'markdown'));
    expect(incomplete).toMatch(/^## kcheck: ⚠️ no problems found, but the scan is incomplete/);
    expect(incomplete).toContain('> [!WARNING]');
    expect(incomplete).toContain(`> - ${CLUSTER}/pods: forbidden: needs list on pods (core)`);
  });

  it('ends with the upgrade plan and its Mermaid diagram when there is a target', async () => {
    const { scan, context: demo } = await demoContext('markdown');
    expect(demo.plan).toBeDefined();
    const markdown = markdownReport(scan.result, demo);
    const plan = markdown.indexOf('## Upgrade plan');
    expect(plan).toBeGreaterThan(markdown.indexOf('### Findings that matter most'));
    expect(markdown.slice(plan)).toMatch(/```mermaid\nflowchart TD\n/);
    expect(bytes(markdown)).toBeLessThanOrEqual(JOB_SUMMARY_MAX_BYTES);
    expect(markdownReport(scan.result, { ...demo, plan: undefined })).not.toContain('## Upgrade plan');
  });

  it('keeps only the plan\'s diagram when the whole plan would crowd out the findings', async () => {
    const { scan, context: demo } = await demoContext('markdown');
    const markdown = markdownReport(scan.result, demo, { maxBytes: 40_000 });
    expect(bytes(markdown)).toBeLessThanOrEqual(40_000);
    expect(markdown).toContain('```mermaid');
    expect(markdown).toContain('`kcheck plan --target 1.33 --format markdown` prints them');
  });
});

import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/engine/types.js';
import { JOB_SUMMARY_MAX_BYTES, markdownReport, tableCell } from '../../src/report/markdown.js';
import { CLUSTER, context, contextFor, finding, fixtures, runResult } from './fixtures.js';
import { demoContext } from './demo-scan.js';
import { HOSTILE_MESSAGE, hostileBackups } from './backups-hostile.js';

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

describe('markdown backups section', () => {
  function backupRows(markdown: string): string[] {
    const section = markdown.split('### Backups')[1]?.split('\n\n')[1] ?? '';
    return section.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| kind'));
  }

  it('lists every backup of the demo with its age and the rules\' verdict and messages', async () => {
    const { scan, context: demo } = await demoContext('markdown');
    const markdown = markdownReport(scan.result, demo);
    expect(markdown.indexOf('### Backups')).toBeLessThan(markdown.indexOf('### Findings that matter most'));
    const rows = backupRows(markdown);
    expect(rows.map((row) => row.split(' | ').slice(0, 3).join(' | ') + ` | ${row.split(' | ')[3]!.split('<br>')[0]}`)).toEqual([
      '| etcd snapshot | `fixtures/demo/backups/etcd-snapshot-2026-11-19T0300Z.db` | 1 day (taken 2026-11-19T03:00:00Z, by its file name) | ❌ error',
      '| etcd snapshot | `fixtures/demo/backups/feature-flags-etcd-2026-11-18T0300Z.db` | 2 days (taken 2026-11-18T03:00:00Z, by its file name) | ⚠️ warning',
      '| etcd snapshot | `fixtures/demo/backups/etcd-snapshot-2026-11-17T0300Z.db` | 3 days (taken 2026-11-17T03:00:00Z, by its file name) | ⚠️ warning',
      '| etcd snapshot | `fixtures/demo/backups/controlplane-member-db-2026-11-16T0300Z.db` | 4 days (taken 2026-11-16T03:00:00Z, by its file name) | ⚠️ warning',
      '| resource dump | `fixtures/demo/backups/everything-2026-11-18T0300Z.yaml` | 2 days (taken 2026-11-18T03:00:00Z, by its file name) | ⚠️ warning',
      '| resource dump | `fixtures/demo/offsite-backups/cluster-2026-11-12T0300Z.yaml` | 8 days (taken 2026-11-12T03:00:00Z, by its file name) | ⚠️ warning',
      '| Velero backup | `velero/daily-20261120030000` | 5 hours (taken 2026-11-20T03:06:00Z, by its completion time) | ❌ error',
      '| Velero backup | `velero/daily-20261117030000` | 3 days (taken 2026-11-17T03:04:00Z, by its completion time) | ⚠️ warning',
    ]);
    expect(rows[6]).toContain('is PartiallyFailed with 2 errors, 5 warnings');
    expect(rows[6]).toContain('([`velero-backup-failed`](https://github.com/kcheck-dev/kcheck/blob/main/rules/velero-backup-failed.md))');
    expect(rows[7]).toContain('[`velero-backup-expires`]');
    expect(rows[7]).toContain('[`velero-backup-stale`]');
  });

  it('keeps hostile backup names, paths and messages inside their cells', async () => {
    const { scan, context: demo } = await demoContext('markdown');
    const { view, findings } = hostileBackups(scan.model, scan.rules);
    const rows = backupRows(markdownReport({ ...scan.result, findings }, { ...demo, backups: view }));
    expect(rows).toEqual([
      '| etcd snapshot | _no etcd snapshots under --backups_ |  |  |',
      `| resource dump | \`\`\`fixtures/demo/backups/dump\\|\`x\`\` \`.yaml\`\`\` | 2 days (taken 2026-11-18T03:00:00Z, by its file name) | ⚠️ warning<br>${tableCell(HOSTILE_MESSAGE)} ([\`resource-backup-stale\`](https://github.com/kcheck-dev/kcheck/blob/main/rules/resource-backup-stale.md)) |`,
      `| Velero backup | \`velero/<img src=x onerror=alert(1)>\\|x\` | 3 days (taken 2026-11-17T03:04:00Z, by its completion time) | ❌ error<br>${tableCell(HOSTILE_MESSAGE)} ([\`velero-backup-failed\`](https://github.com/kcheck-dev/kcheck/blob/main/rules/velero-backup-failed.md)) |`,
    ]);
    expect(tableCell(HOSTILE_MESSAGE)).toBe('stale &lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt; \\| \\[link\\](https://evil.example)');
    // Every row keeps its four cells: no unescaped pipe splits one.
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length).toBe(6);
  });
});

import { describe, expect, it } from 'vitest';
import { escapeHtml, formatHtml } from '../../src/report/html.js';
import { CLUSTER, context, contextFor, finding, fixtures, runResult } from './fixtures.js';
import { demoContext } from './demo-scan.js';
import { HOSTILE_BACKUP, HOSTILE_DUMP, HOSTILE_MESSAGE, hostileBackups } from './backups-hostile.js';

/** The table rows, one per finding. */
function findingRows(html: string): string[] {
  const body = html.split('<tbody>')[1]?.split('</tbody>')[0] ?? '';
  return body.split('\n').filter((line) => line.startsWith('<tr'));
}

describe('html format', () => {
  it('loads nothing: style and script inline, links only to documentation', async () => {
    const { scan, context: demo } = await demoContext('html');
    const html = formatHtml(scan.result, demo);
    expect(html).not.toMatch(/<link\b|<img\b|<iframe\b|@import|url\(/i);
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    const urls = [...html.matchAll(/https?:\/\/[^\s"'<)]+/g)].map((m) => m.index!);
    for (const index of urls) expect(html.slice(Math.max(0, index - 6), index)).toBe('href="');
  });

  it('has a row for every finding, suppressed ones marked', () => {
    const html = formatHtml(fixtures.mixed, contextFor('mixed', 'html'));
    const rows = findingRows(html);
    expect(rows).toHaveLength(fixtures.mixed.findings.length);
    for (const f of fixtures.mixed.findings) expect(html).toContain(escapeHtml(f.message));
    expect(rows.filter((r) => r.includes('data-suppressed="true"'))).toHaveLength(fixtures.mixed.summary.suppressed);
    expect(rows[0]).toContain('data-severity="error" data-rule="parse-error"');
  });

  it('escapes what findings say, so no finding can add markup or script', () => {
    const message = '</script><img src=x onerror=alert(1)> & "quoted"';
    const html = formatHtml(runResult({ findings: [finding({ ruleId: 'parse-error', message, location: { file: '<a>.yaml', line: 1, column: 1 } })] }), context());
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot;');
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });

  it('draws the skew picture, drain readiness and backups from the views, and the plan when there is one', async () => {
    const { scan, context: demo } = await demoContext('html');
    const html = formatHtml(scan.result, demo);
    for (const section of ['id="skew"', 'id="drain"', 'id="backups"', 'id="plan"', 'id="findings"']) expect(html).toContain(section);
    for (const node of scan.model.nodes) expect(html).toContain(`<h3>${node.name}`);
    expect(html).toContain('<span class="target" title="upgrade target">1.33 ◆</span>');
    const backups = html.split('id="backups"')[1]!.split('</section>')[0]!;
    expect(backups).toContain('etcd 3.5.15 is older than etcd 3.5.24');
    expect(backups).toContain('<span class="chip error">needs action before the upgrade</span>');
    for (const step of demo.plan!.steps) expect(html).toContain(`<b>${step.number}. ${escapeHtml(step.title)}</b>`);
    const withoutModel = formatHtml(scan.result, { ...demo, skew: undefined, drainReadiness: undefined, plan: undefined });
    expect(withoutModel).not.toContain('id="skew"');
    expect(withoutModel).not.toContain('id="plan"');
  });

  it('says when the scan is incomplete', () => {
    const html = formatHtml(fixtures.incompleteClean, contextFor('incompleteClean', 'html'));
    expect(html).toContain('<b>The scan is incomplete</b>');
    expect(html).toContain(`${CLUSTER}/nodes: forbidden: needs list on nodes (core)`);
  });
});

describe('html backups table', () => {
  /** The backups table's rows, without the header. */
  function backupRows(html: string): string[] {
    const table = html.split('<table class="backups" style="table-layout:fixed">')[1]?.split('</table>')[0] ?? '';
    return table.split('\n').filter((line) => line.startsWith('<tr data-verdict') || line.startsWith('<tr><td>'));
  }

  it('has a row per backup of the demo with its kind, path, age and the rules\' verdict, above the findings list', async () => {
    const { scan, context: demo } = await demoContext('html');
    const html = formatHtml(scan.result, demo);
    const section = html.split('id="backups"')[1]!.split('</section>')[0]!;
    expect(section.indexOf('<table class="backups" style="table-layout:fixed">')).toBeLessThan(section.indexOf('<ul class="plain"><li>'));
    const cells = backupRows(html).map((row) => {
      const [kind, where, age] = [...row.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
      return `${kind} ${where} ${age} ${row.match(/data-verdict="(\w+)"/)![1]}`;
    });
    expect(cells).toEqual([
      'etcd snapshot fixtures/demo/backups/etcd-snapshot-2026-11-19T0300Z.db 1 day error',
      'etcd snapshot fixtures/demo/backups/feature-flags-etcd-2026-11-18T0300Z.db 2 days warning',
      'etcd snapshot fixtures/demo/backups/etcd-snapshot-2026-11-17T0300Z.db 3 days warning',
      'etcd snapshot fixtures/demo/backups/controlplane-member-db-2026-11-16T0300Z.db 4 days warning',
      'resource dump fixtures/demo/backups/everything-2026-11-18T0300Z.yaml 2 days warning',
      'resource dump fixtures/demo/offsite-backups/cluster-2026-11-12T0300Z.yaml 8 days warning',
      'Velero backup velero/daily-20261120030000 5 hours error',
      'Velero backup velero/daily-20261117030000 3 days warning',
    ]);
    const failed = backupRows(html).find((row) => row.includes('velero/daily-20261120030000'))!;
    expect(failed).toContain('title="taken 2026-11-20T03:06:00Z, by its completion time"');
    expect(failed).toContain('is PartiallyFailed with 2 errors, 5 warnings');
    expect(failed).toContain('<span class="tag">velero-backup-failed</span>');
  });

  it('escapes backup names, paths and messages from the repository', async () => {
    const { scan, context: demo } = await demoContext('html');
    const { view, findings } = hostileBackups(scan.model, scan.rules);
    const html = formatHtml({ ...scan.result, findings }, { ...demo, backups: view });
    const table = html.split('<table class="backups" style="table-layout:fixed">')[1]!.split('</table>')[0]!;
    expect(table).not.toMatch(/<img|<script|<\/td><script/);
    expect(table).toContain(`velero/${escapeHtml(HOSTILE_BACKUP)}`);
    expect(table).toContain(escapeHtml(HOSTILE_DUMP));
    expect(table).toContain(escapeHtml(HOSTILE_MESSAGE));
    expect(backupRows(html).map((row) => row.match(/data-verdict="(\w+)"/)?.[1] ?? 'none')).toEqual(['none', 'warning', 'error']);
  });
});

import { describe, expect, it } from 'vitest';
import { escapeHtml, formatHtml } from '../../src/report/html.js';
import { CLUSTER, context, contextFor, finding, fixtures, runResult } from './fixtures.js';
import { demoContext } from './demo-scan.js';

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

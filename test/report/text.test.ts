import { describe, expect, it } from 'vitest';
import { formatText } from '../../src/report/text.js';
import { context, fileFindings, fixtures, flagFindings, liveFindings, runResult, type FixtureName } from './fixtures.js';

const ANSI = /\u001b\[\d+m/g;
const plain = (text: string): string => text.replace(ANSI, '');

describe('text report', () => {
  for (const name of Object.keys(fixtures) as FixtureName[]) {
    it(`renders the ${name} result as the reviewed snapshot`, async () => {
      await expect(formatText(fixtures[name], context())).toMatchFileSnapshot(`__snapshots__/text/${name}.txt`);
    });
  }

  it('renders colour as the reviewed snapshot when colour is on', async () => {
    await expect(formatText(fixtures.mixed, context({ color: true }))).toMatchFileSnapshot('__snapshots__/text/mixed.ansi.txt');
  });

  it('prints no escape codes when colour is off', () => {
    for (const result of Object.values(fixtures)) expect(formatText(result, context())).not.toMatch(ANSI);
  });

  it('says the same with colour on as with colour off', () => {
    for (const result of Object.values(fixtures)) {
      expect(plain(formatText(result, context({ color: true })))).toBe(formatText(result, context()));
    }
  });

  it('colours errors red, warnings yellow, info blue and rule ids dim', () => {
    const text = formatText(fixtures.mixed, context({ color: true }));
    expect(text).toContain('\u001b[31merror\u001b[39m');
    expect(text).toContain('\u001b[33mwarning\u001b[39m');
    expect(text).toContain('\u001b[34minfo\u001b[39m');
    expect(text).toContain('\u001b[2mkubelet-version-skew\u001b[22m');
  });

  it('lines up the columns of each group whatever the colour', () => {
    for (const color of [false, true]) {
      const lines = plain(formatText(fixtures.mixed, context({ color }))).split('\n');
      const groups = lines.join('\n').split('\n\n').map((block) => block.split('\n').filter((l) => l.startsWith('  ')));
      for (const rows of groups.filter((g) => g.length > 1)) {
        const ruleColumn = rows.map((row) => row.lastIndexOf('  ') + 2);
        const severityColumn = rows.map((row) => row.search(/ (error|warning|info) /) + 1);
        expect(new Set(ruleColumn).size).toBe(1);
        expect(new Set(severityColumn).size).toBe(1);
      }
    }
  });

  it('puts files first, then each cluster, then findings with neither, whatever order they come in', () => {
    const result = runResult({ findings: [flagFindings[0]!, liveFindings[0]!, fileFindings[0]!] });
    const headers = formatText(result, context())
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith(' '));
    expect(headers.slice(0, 3)).toEqual([fileFindings[0]!.location!.file, 'cluster prod-eu', '(no file)']);
  });

  it('shows live objects as Kind namespace/name where a file shows line:col', () => {
    const text = formatText(fixtures.live, context());
    expect(text).toMatch(/^ {2}Pod kube-system\/kube-scheduler-cp-1 +warning /m);
    expect(text).toMatch(/^ {2}Node ip-10-0-3-17\.eu-west-1\.compute\.internal +error /m);
    expect(formatText(fixtures.files, context())).toMatch(/^ {4}9:3 +error /m);
  });

  it('counts suppressed findings without listing them', () => {
    const text = formatText(fixtures.suppressed, context());
    expect(text).not.toContain('legacy-gpu-1');
    expect(text).toContain('✖ 1 problem (1 error, 0 warnings, 0 info), 2 suppressed');
  });

  it('prints only the summary when clean, and still says what it checked', () => {
    expect(formatText(runResult({ scanned: ['manifests/'] }), context())).toBe('✔ no problems in manifests/\n');
    expect(formatText(fixtures.allSuppressed, context())).toBe('✔ no problems in fixtures/demo/nodes.yaml, 1 suppressed\n');
  });

  it('never calls an incomplete scan clean, and names every gap', () => {
    const text = formatText(fixtures.incompleteClean, context());
    expect(text).not.toContain('✔');
    expect(text.split('\n').filter((l) => l.startsWith('incomplete: '))).toEqual([
      'incomplete: prod-eu/nodes: nodes is forbidden: User "ci-reader" cannot list resource "nodes"',
      'incomplete: prod-eu/pods: the API server did not answer within 30s',
    ]);
  });

  it('counts skipped rules by reason and skipped documents', () => {
    const result = runResult({
      skippedDocuments: 3,
      skippedRules: [
        { ruleId: 'upgrade-skips-minor', reason: 'needs an upgrade target (--target X.Y)' },
        { ruleId: 'kubeadm-version-mismatch', reason: 'needs an upgrade target (--target X.Y)' },
        { ruleId: 'kubelet-version-skew', reason: 'the scan could not read nodes' },
      ],
    });
    expect(formatText(result, context()).split('\n')[1]).toBe(
      '2 rules skipped: needs an upgrade target (--target X.Y); 1 rule skipped: the scan could not read nodes; 3 non-Kubernetes documents skipped',
    );
  });

  it('ends with how to learn the fix, naming the rule when there is only one', () => {
    expect(formatText(fixtures.incomplete, context()).trimEnd().split('\n').at(-1)).toBe(
      'Run kcheck explain kubelet-version-skew for how to fix.',
    );
    expect(formatText(fixtures.mixed, context()).trimEnd().split('\n').at(-1)).toBe('Run kcheck explain <rule-id> for how to fix.');
  });

  it('keeps each finding on one line, without the code frame of a YAML error', () => {
    const row = formatText(fixtures.files, context()).split('\n').find((l) => l.endsWith('parse-error'));
    expect(row).toBe('  4:9  error  Nested mappings are not allowed in compact mappings at line 4, column 9  parse-error');
  });
});

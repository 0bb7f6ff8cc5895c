import { describe, expect, it } from 'vitest';
import { formatText } from '../../src/report/text.js';
import { CLUSTER, context, contextFor, finding, fixtures, runResult, scenarioWhat, type FixtureName } from './fixtures.js';

const ANSI = /\u001b\[\d+m/g;
const plain = (text: string): string => text.replace(ANSI, '');
const names = Object.keys(fixtures) as FixtureName[];
const text = (name: FixtureName, color = false): string => formatText(fixtures[name], contextFor(name, 'text', { color }));

describe('text report', () => {
  for (const name of names) {
    it(`renders the ${name} scan as the reviewed snapshot: ${scenarioWhat(name)}`, async () => {
      await expect(text(name)).toMatchFileSnapshot(`__snapshots__/text/${name}.txt`);
    });
  }

  it('renders colour as the reviewed snapshot when colour is on', async () => {
    await expect(text('mixed', true)).toMatchFileSnapshot('__snapshots__/text/mixed.ansi.txt');
  });

  it('prints no escape codes when colour is off', () => {
    for (const name of names) expect(text(name)).not.toMatch(ANSI);
  });

  it('says the same with colour on as with colour off', () => {
    for (const name of names) expect(plain(text(name, true))).toBe(text(name));
  });

  it('colours errors red, warnings yellow, info blue and rule ids dim', () => {
    const coloured = text('mixed', true);
    expect(coloured).toContain('\u001b[31merror\u001b[39m');
    expect(coloured).toContain('\u001b[33mwarning\u001b[39m');
    expect(coloured).toContain('\u001b[34minfo\u001b[39m');
    expect(coloured).toContain('\u001b[2mcontrol-plane-version-skew\u001b[22m');
  });

  it('lines up the columns of each group whatever the colour', () => {
    for (const name of names) {
      for (const color of [false, true]) {
        const groups = plain(text(name, color)).split('\n\n').map((block) => block.split('\n').filter((l) => l.startsWith('  ')));
        for (const rows of groups.filter((g) => g.length > 1)) {
          const ruleColumn = rows.map((row) => row.lastIndexOf('  ') + 2);
          const severityColumn = rows.map((row) => row.search(/ (error|warning|info) /) + 1);
          expect(new Set(ruleColumn).size, `${name}: ${rows.join('\n')}`).toBe(1);
          expect(new Set(severityColumn).size, `${name}: ${rows.join('\n')}`).toBe(1);
        }
      }
    }
  });

  it('puts files first, then each cluster, then findings with neither, whatever order they come in', () => {
    const fromFile = fixtures.files.findings.find((f) => f.location)!;
    const fromCluster = fixtures.live.findings.find((f) => f.cluster === CLUSTER)!;
    const fromFlag = fixtures.flags.findings.find((f) => !f.location && !f.cluster)!;
    const headers = formatText(runResult({ findings: [fromFlag, fromCluster, fromFile] }), context())
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith(' '));
    expect(headers.slice(0, 3)).toEqual([fromFile.location!.file, `cluster ${CLUSTER}`, '(no file)']);
    // A real scan of files and a cluster does the same.
    expect(text('mixed').split('\n').filter((l) => /^\S/.test(l) && !/^[✖✔⚠\d]|^Run /.test(l))).toEqual([
      'fixtures/demo/cluster/broken.yaml',
      'fixtures/demo/cluster/controlplane-2-etcd.yaml',
      'fixtures/demo/cluster/legacy-apis.yaml',
      `cluster ${CLUSTER}`,
    ]);
  });

  it('shows live objects as Kind namespace/name where a file shows line:col', () => {
    const live = text('live');
    expect(live).toMatch(/^ {2}Pod kube-system\/kube-controller-manager-cp-1 +error /m);
    expect(live).toMatch(/^ {2}Node worker-2 +error /m);
    expect(live).not.toMatch(/^ +\d+:\d+ /m);
    expect(text('files')).toMatch(/^ {3}5:3 +error /m);
    expect(text('files')).toMatch(/^ {2}41:3 +error /m);
  });

  it('counts suppressed findings without listing them', () => {
    const suppressed = text('suppressed');
    expect(fixtures.suppressed.findings.filter((f) => f.suppressed).map((f) => f.suppressed?.kind).sort()).toEqual(['annotation', 'config']);
    expect(suppressed).not.toContain('worker-1');
    expect(suppressed).toContain('✖ 1 problem (1 error, 0 warnings, 0 info), 2 suppressed');
  });

  it('prints only the summary when clean, and still says what it checked', () => {
    expect(formatText(runResult({ scanned: ['manifests/'] }), context())).toBe('✔ no problems in manifests/\n');
    expect(text('allSuppressed')).toBe('✔ no problems in fixtures/rules/ignore-without-reason/pass-reason-given.yaml, 3 suppressed\n');
    expect(text('clean').split('\n')[0]).toBe('✔ no problems in 2 inputs');
  });

  it('never calls an incomplete scan clean, and names every gap', () => {
    const incomplete = text('incompleteClean');
    expect(incomplete).not.toContain('✔');
    expect(incomplete.split('\n')[0]).toBe('⚠ no problems found, but the scan is incomplete');
    expect(incomplete.split('\n').filter((l) => l.startsWith('incomplete: '))).toEqual([
      `incomplete: ${CLUSTER}/nodes: forbidden: needs list on nodes (core)`,
      `incomplete: ${CLUSTER}/pods: forbidden: needs list on pods (core)`,
    ]);
  });

  it('counts skipped rules by reason and skipped documents', () => {
    const result = runResult({
      skippedDocuments: 3,
      skippedRules: [
        { ruleId: 'etcd-backup-stale', reason: 'no backup location given (--backups DIR, or backups: in the config)' },
        { ruleId: 'etcd-backup-missing', reason: 'no backup location given (--backups DIR, or backups: in the config)' },
        { ruleId: 'kubelet-version-skew', reason: 'the scan could not read nodes' },
      ],
    });
    expect(formatText(result, context()).split('\n')[1]).toBe(
      '2 rules skipped: no backup location given (--backups DIR, or backups: in the config); 1 rule skipped: the scan could not read nodes; 3 non-Kubernetes documents skipped',
    );
    expect(text('incomplete')).toContain('\n2 rules skipped: the scan could not read pdbs\n');
  });

  it('ends with how to learn the fix, naming the rule when there is only one', () => {
    expect(text('suppressed').trimEnd().split('\n').at(-1)).toBe('Run kcheck explain unsupported-version for how to fix.');
    expect(text('mixed').trimEnd().split('\n').at(-1)).toBe('Run kcheck explain <rule-id> for how to fix.');
  });

  it('keeps each finding on one line, without the code frame of a YAML error', () => {
    const row = text('files').split('\n').find((l) => l.endsWith('parse-error'));
    expect(row).toBe('  13:9  error  invalid YAML: Nested mappings are not allowed in compact mappings  parse-error');
    const multiline = finding({ ruleId: 'parse-error', message: 'first line\n\n  image: a: b\n        ^\n', location: { file: 'a.yaml', line: 4, column: 9 } });
    expect(formatText(runResult({ findings: [multiline] }), context()).split('\n')[1]).toBe('  4:9  error  first line  parse-error');
  });
});

import { describe, expect, it } from 'vitest';
import type { Finding, Severity } from '../../src/engine/types.js';
import { annotationCommand, escapeData, escapeProperty, formatGithub, githubAnnotations } from '../../src/report/github.js';
import { CLUSTER, context, contextFor, finding, fixtures, runResult } from './fixtures.js';

interface ParsedCommand {
  level: string;
  properties: Record<string, string>;
  message: string;
}

/** Reads a workflow command back the way the runner does (actions/runner ActionCommand.TryParseV2). */
function parseCommand(line: string): ParsedCommand {
  const match = /^::([a-z]+)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!match) throw new Error(`not a workflow command: ${line}`);
  const unescape = (text: string): string =>
    text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
  const properties: Record<string, string> = {};
  for (const pair of (match[2] ?? '').split(',').filter(Boolean)) {
    const [key, ...value] = pair.split('=');
    properties[key!] = unescape(value.join('='));
  }
  return { level: match[1]!, properties, message: unescape(match[3]!) };
}

function many(count: number, severity: Severity, ruleId: Finding['ruleId']): Finding[] {
  return Array.from({ length: count }, (_, i) =>
    finding({ ruleId, severity, message: `${severity} ${i + 1}`, location: { file: 'cluster.yaml', line: i + 1, column: 3 } }),
  );
}

describe('github annotations format', () => {
  it('escapes messages and properties as the runner reads them back', () => {
    expect(escapeData('100% done\r\nnext')).toBe('100%25 done%0D%0Anext');
    expect(escapeProperty('a: b, c%')).toBe('a%3A b%2C c%25');
    const line = annotationCommand({ level: 'error', file: 'dir/a,b:c.yaml', line: 4, col: 9, title: 'kcheck x: y, z', message: 'first: 50%\nsecond, third' });
    expect(line).not.toMatch(/\n/);
    expect(parseCommand(line)).toEqual({
      level: 'error',
      properties: { file: 'dir/a,b:c.yaml', line: '4', col: '9', title: 'kcheck x: y, z' },
      message: 'first: 50%\nsecond, third',
    });
  });

  it('puts file, line and column on findings in files, and names the object of findings without one', () => {
    const lines = formatGithub(fixtures.mixed, contextFor('mixed', 'github')).trimEnd().split('\n').map(parseCommand);
    const inFile = lines.find((l) => l.properties['file'] === 'fixtures/demo/cluster/legacy-apis.yaml' && l.level === 'error');
    expect(inFile).toMatchObject({ level: 'error', properties: { line: '3', col: '1', title: 'kcheck removed-api' } });
    expect(inFile?.message).toContain('FlowSchema ci-runners uses flowcontrol.apiserver.k8s.io/v1beta3, removed in 1.32');
    expect(inFile?.message).toContain('https://github.com/kcheck-dev/kcheck/blob/main/rules/removed-api.md');

    const live = lines.find((l) => l.properties['title']?.includes('kube-controller-manager-cp-1'));
    expect(live?.properties).toEqual({ title: 'kcheck control-plane-version-skew: Pod kube-system/kube-controller-manager-cp-1' });
    expect(live?.message).toContain('kube-controller-manager v1.31.13 on node cp-1 is 2 minors older than kube-apiserver v1.33.5');
  });

  it('makes info findings notices and leaves suppressed findings out', () => {
    const lines = formatGithub(fixtures.mixed, contextFor('mixed', 'github')).trimEnd().split('\n').map(parseCommand);
    expect(lines.filter((l) => l.level === 'notice').map((l) => l.properties['title'])).toEqual([`kcheck release-data-outdated: cluster ${CLUSTER}`]);
    expect(lines.some((l) => l.message.includes('worker-1'))).toBe(false);
    expect(lines).toHaveLength(fixtures.mixed.findings.filter((f) => !f.suppressed).length);
  });

  it('shows the 10 most important errors and warnings and counts the rest in one notice', () => {
    const findings = [...many(12, 'warning', 'kubectl-version-skew'), ...many(14, 'error', 'kubelet-version-skew'), ...many(1, 'error', 'parse-error')];
    const annotations = githubAnnotations(runResult({ findings }), context());
    const errors = annotations.filter((a) => a.level === 'error');
    expect(errors).toHaveLength(10);
    // A file kcheck could not parse goes first: nothing in it was checked.
    expect(errors[0]?.title).toBe('kcheck parse-error');
    expect(errors.slice(1).map((a) => a.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(annotations.filter((a) => a.level === 'warning')).toHaveLength(10);
    const notices = annotations.filter((a) => a.level === 'notice');
    expect(notices).toHaveLength(1);
    expect(notices[0]?.message).toMatch(/^5 errors, 2 warnings not shown/);
  });

  it('keeps notices to 10 with the count in the last place', () => {
    const findings = [...many(13, 'info', 'release-data-outdated'), ...many(11, 'error', 'kubelet-version-skew')];
    const notices = githubAnnotations(runResult({ findings }), context()).filter((a) => a.level === 'notice');
    expect(notices).toHaveLength(10);
    expect(notices.at(-1)?.message).toMatch(/^1 error, 4 info not shown/);
  });

  it('reports an incomplete scan as the first error', () => {
    const [first] = githubAnnotations(fixtures.incomplete, contextFor('incomplete', 'github'));
    expect(first).toMatchObject({ level: 'error', title: 'kcheck: the scan is incomplete' });
    expect(first?.message).toContain(`${CLUSTER}/poddisruptionbudgets: forbidden: needs list on poddisruptionbudgets (policy)`);
  });

  it('prints nothing for a clean scan', () => {
    expect(formatGithub(fixtures.clean, contextFor('clean', 'github'))).toBe('');
    expect(formatGithub(fixtures.allSuppressed, contextFor('allSuppressed', 'github'))).toBe('');
  });

  it('names files relative to the repository root', () => {
    const result = runResult({ findings: [finding({ ruleId: 'parse-error', message: 'bad', location: { file: '/repo/deploy/app.yaml', line: 2, column: 1 } })] });
    const [line] = formatGithub(result, context({ cwd: '/repo' })).trimEnd().split('\n');
    expect(parseCommand(line!).properties['file']).toBe('deploy/app.yaml');
  });
});

import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/engine/errors.js';
import type { Finding, RunResult } from '../../src/engine/types.js';
import { MissingSarifAnchorError } from '../../src/report/sarif-anchor.js';
import { GITHUB_MAX_RESULTS, formatSarif, resultsGitHubTakes, sarifLog } from '../../src/report/sarif.js';
import type { ReportContext } from '../../src/report/types.js';
import { context, fileFindings, finding, fixtures, liveFindings, reportRules, runResult, type FixtureName } from './fixtures.js';
import { validateSarif } from './sarif-validate.js';

const repo = '/home/ci/repos/infra';
const sarifContext = (overrides: Partial<ReportContext> = {}): ReportContext =>
  context({ sarifAnchor: '.kcheck.yaml', cwd: repo, ...overrides });

/** Formats, checks with every validator, and returns the parsed log's single run. */
function sarifRun(result: RunResult, ctx: ReportContext = sarifContext()): Sarif.Run {
  const text = formatSarif(result, ctx);
  expect(validateSarif(text).warnings).toEqual([]);
  const log = JSON.parse(text) as Sarif.Log;
  expect(log.runs).toHaveLength(1);
  return log.runs[0]!;
}

const SLOW = 120_000;

describe('sarif report', () => {
  for (const name of Object.keys(fixtures) as FixtureName[]) {
    it(`turns the ${name} result into SARIF that passes the schema, GitHub's rules and sarif-multitool`, () => {
      sarifRun(fixtures[name]);
    }, SLOW);
  }

  it('renders the mixed result as the reviewed snapshot', async () => {
    const text = formatSarif(fixtures.mixed, sarifContext());
    validateSarif(text);
    await expect(text).toMatchFileSnapshot('__snapshots__/sarif/mixed.sarif.json');
  }, SLOW);

  it('lists every registered rule with markdown help that links to its documentation', () => {
    const run = sarifRun(fixtures.live);
    const rules = run.tool.driver.rules ?? [];
    expect(rules.map((r) => r.id)).toEqual(reportRules.map((r) => r.id));
    for (const rule of rules) {
      expect(rule.help?.markdown).toContain(`(https://github.com/kcheck-dev/kcheck/blob/main/rules/${rule.id}.md)`);
      expect(rule.properties).not.toHaveProperty('security-severity');
    }
    const skew = rules.find((r) => r.id === 'kubelet-version-skew');
    expect(skew?.name).toBe('KubeletVersionSkew');
    expect(skew?.help?.markdown).toContain('kubectl drain worker-2 --ignore-daemonsets');
    expect(skew?.fullDescription?.text).toBe(
      'A kubelet more than three minor versions older than kube-apiserver is not supported and may stop working during the next control-plane upgrade.',
    );
    expect(skew?.defaultConfiguration?.level).toBe('error');
    expect(skew?.properties?.tags).toEqual(['versions']);
    expect(rules.find((r) => r.id === 'release-data-outdated')?.defaultConfiguration?.level).toBe('note');
  }, SLOW);

  it('points each result at its rule and maps severities to SARIF levels', () => {
    const run = sarifRun(fixtures.mixed);
    const rules = run.tool.driver.rules ?? [];
    for (const result of run.results ?? []) expect(rules[result.ruleIndex ?? -1]?.id).toBe(result.ruleId);
    const levels = (run.results ?? []).map((r) => r.level);
    expect(levels).toEqual(fixtures.mixed.findings.map((f) => ({ error: 'error', warning: 'warning', info: 'note' })[f.severity]));
  }, SLOW);

  it('places file findings at their line and column, repository-relative with forward slashes, without a fingerprint', () => {
    const absolute = finding({ ...fileFindings[2]!, location: { file: `${repo}/clusters/prod eu/nodes.yaml`, line: 7, column: 5 } });
    const run = sarifRun(runResult({ findings: [fileFindings[0]!, absolute] }));
    const [relative, inRepo] = run.results ?? [];
    expect(relative?.locations?.[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: 'fixtures/demo/etc/kubernetes/manifests/kube-controller-manager.yaml' },
      region: { startLine: 31, startColumn: 12 },
    });
    expect(inRepo?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe('clusters/prod%20eu/nodes.yaml');
    expect(relative).not.toHaveProperty('partialFingerprints');
    expect(inRepo).not.toHaveProperty('partialFingerprints');
  }, SLOW);

  it('makes paths given relative to another directory relative to the repository root', () => {
    const nested = finding({ ...fileFindings[2]!, location: { file: '../infra/./nodes.yaml', line: 3, column: 1 } });
    const outside = finding({ ...fileFindings[3]!, location: { file: '/var/backups/nodes.yaml', line: 4, column: 1 } });
    const run = sarifRun(runResult({ findings: [nested, outside] }));
    expect(run.results?.map((r) => r.locations?.[0]?.physicalLocation?.artifactLocation?.uri)).toEqual([
      'nodes.yaml',
      'file:///var/backups/nodes.yaml',
    ]);
  }, SLOW);

  it('anchors findings without a file to line 1 of the anchor file, with the object as a logical location', () => {
    const run = sarifRun(fixtures.live, sarifContext({ sarifAnchor: `${repo}/ci/.kcheck.yaml` }));
    const [node, scheduler] = run.results ?? [];
    expect(node?.locations?.[0]).toEqual({
      physicalLocation: { artifactLocation: { uri: 'ci/.kcheck.yaml' }, region: { startLine: 1, startColumn: 1 } },
      logicalLocations: [
        {
          name: 'ip-10-0-3-17.eu-west-1.compute.internal',
          fullyQualifiedName: 'prod-eu/Node/ip-10-0-3-17.eu-west-1.compute.internal',
          kind: 'object',
        },
      ],
    });
    expect(scheduler?.locations?.[0]?.logicalLocations?.[0]?.fullyQualifiedName).toBe('prod-eu/Pod/kube-system/kube-scheduler-cp-1');
  }, SLOW);

  it('gives anchored findings fingerprints that differ per object and survive a new message', () => {
    const hashes = (findings: Finding[]): string[] =>
      (sarifRun(runResult({ cluster: 'prod-eu', findings })).results ?? []).map(
        (r) => r.partialFingerprints?.primaryLocationLineHash ?? 'none',
      );
    const first = hashes(liveFindings);
    expect(new Set(first).size).toBe(liveFindings.length);
    expect(first.every((h) => /^[0-9a-f]{16}:1$/.test(h))).toBe(true);
    const reworded = liveFindings.map((f) => ({ ...f, message: `${f.message} Upgraded kubelets since.` }));
    expect(hashes(reworded)).toEqual(first);
    const otherNode = { ...liveFindings[0]!, object: { ...liveFindings[0]!.object!, name: 'ip-10-0-9-9.eu-west-1.compute.internal' } };
    expect(hashes([otherNode])[0]).not.toBe(first[0]);
  }, SLOW);

  it('numbers anchored findings that share rule and object instead of collapsing them', () => {
    const twice = [liveFindings[0]!, { ...liveFindings[0]!, message: 'kube-proxy is older than the kubelet.' }];
    const hashes = (sarifRun(runResult({ findings: twice })).results ?? []).map((r) => r.partialFingerprints?.primaryLocationLineHash);
    expect(hashes[0]?.endsWith(':1')).toBe(true);
    expect(hashes[1]).toBe(hashes[0]?.replace(/:1$/, ':2'));
  }, SLOW);

  it('refuses, as a usage error, to write findings without a file when there is no anchor', () => {
    const write = () => formatSarif(fixtures.live, context({ cwd: repo }));
    expect(write).toThrow(MissingSarifAnchorError);
    expect(write).toThrow(UsageError);
    expect(write).toThrow(
      'SARIF needs a repository file to anchor 2 findings that have no file (first: kubelet-version-skew about Node ip-10-0-3-17.eu-west-1.compute.internal); give one with --sarif-anchor FILE',
    );
  });

  it('needs no anchor when every finding has a file', () => {
    const run = sarifRun(fixtures.files, context({ cwd: repo }));
    expect(run.results).toHaveLength(fixtures.files.findings.length);
  }, SLOW);

  it('marks annotation suppressions as in source and config ignores as external, with their reasons', () => {
    const run = sarifRun(fixtures.suppressed);
    expect(run.results?.map((r) => r.suppressions ?? null)).toEqual([
      null,
      [{ kind: 'inSource', justification: 'GPU driver pinned until the Q3 hardware refresh' }],
      [{ kind: 'external', justification: 'the CI image ships its own kubectl' }],
    ]);
  }, SLOW);

  it('names the analysis after the cluster, or files, ending with a slash', () => {
    expect(sarifRun(fixtures.files).automationDetails?.id).toBe('kcheck/files/');
    expect(sarifRun(fixtures.live).automationDetails?.id).toBe('kcheck/prod-eu/');
    const eks = runResult({ cluster: 'arn:aws:eks:eu-west-1:123456789012:cluster/prod eu' });
    expect(sarifRun(eks).automationDetails?.id).toBe('kcheck/arn:aws:eks:eu-west-1:123456789012:cluster-prod-eu/');
  }, SLOW);

  it('reports an incomplete scan as an unsuccessful execution with one error notification per gap', () => {
    const [invocation] = sarifRun(fixtures.incompleteClean).invocations ?? [];
    expect(invocation?.executionSuccessful).toBe(false);
    expect(invocation?.toolExecutionNotifications?.map((n) => [n.level, n.message.text])).toEqual([
      ['error', 'The scan is incomplete: prod-eu/nodes: nodes is forbidden: User "ci-reader" cannot list resource "nodes".'],
      ['error', 'The scan is incomplete: prod-eu/pods: the API server did not answer within 30s.'],
    ]);
    const [complete] = sarifRun(fixtures.clean).invocations ?? [];
    expect(complete?.executionSuccessful).toBe(true);
    expect(complete).not.toHaveProperty('toolExecutionNotifications');
  }, SLOW);

  it('tells which rules were skipped and why', () => {
    const [invocation] = sarifRun(fixtures.clean).invocations ?? [];
    expect(invocation?.toolConfigurationNotifications).toEqual([
      {
        level: 'note',
        message: { text: 'Rule upgrade-skips-minor was skipped: needs an upgrade target (--target X.Y).' },
        associatedRule: { id: 'upgrade-skips-minor', index: reportRules.findIndex((r) => r.id === 'upgrade-skips-minor') },
      },
    ]);
  }, SLOW);

  it('keeps the most severe findings within the result limit and says how many were left out', () => {
    const findings = [
      finding({ ruleId: 'release-data-outdated', severity: 'info', message: 'stale', location: { file: 'a.yaml', line: 1, column: 1 } }),
      { ...fileFindings[2]!, suppressed: { kind: 'annotation' as const, reason: 'pinned' } },
      ...fileFindings.slice(0, 2),
      fileFindings[4]!,
    ];
    const log = JSON.parse(JSON.stringify(sarifLog(runResult({ findings }), sarifContext(), 3))) as Sarif.Log;
    validateSarif(log);
    const [run] = log.runs;
    expect(run?.results?.map((r) => r.ruleId)).toEqual(['control-plane-version-skew', 'unsupported-version', 'parse-error']);
    expect(run?.invocations?.[0]?.toolExecutionNotifications).toEqual([
      {
        level: 'warning',
        message: { text: '2 findings are left out: GitHub code scanning takes at most 3 results per run; the JSON report has them all.' },
      },
    ]);
  }, SLOW);

  it('takes up to 25,000 results, as GitHub code scanning does, errors first', () => {
    const many = Array.from({ length: GITHUB_MAX_RESULTS + 2 }, (_, i) =>
      finding({
        ruleId: i % 2 === 0 ? 'release-data-outdated' : 'kubelet-version-skew',
        severity: i % 2 === 0 ? 'info' : 'error',
        message: `finding ${i}`,
        location: { file: 'nodes.yaml', line: i + 1, column: 1 },
      }),
    );
    expect(GITHUB_MAX_RESULTS).toBe(25_000);
    const kept = resultsGitHubTakes(many);
    expect(kept).toHaveLength(25_000);
    expect(kept.filter((f) => f.severity === 'error')).toHaveLength(many.length / 2);
    expect(kept.map((f) => f.location?.line)).toEqual([...kept.map((f) => f.location?.line ?? 0)].sort((a, b) => a - b));
    expect(resultsGitHubTakes(many.slice(0, 25_000))).toHaveLength(25_000);
  });

  it('refuses a finding of a rule it was not given', () => {
    const stray = finding({ ruleId: 'no-such-rule', message: 'x', location: { file: 'a.yaml', line: 1, column: 1 } });
    expect(() => formatSarif(runResult({ findings: [stray] }), sarifContext())).toThrow(/no-such-rule/);
  });
});

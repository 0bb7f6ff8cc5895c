import type * as Sarif from 'sarif';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRuleDocs } from '../../src/sources/package-files.js';
import { UsageError } from '../../src/engine/errors.js';
import type { RunResult } from '../../src/engine/types.js';
import { MissingSarifAnchorError } from '../../src/report/sarif-anchor.js';
import { GITHUB_MAX_RESULTS, formatSarif, resultsGitHubTakes, sarifLog } from '../../src/report/sarif.js';
import type { ReportContext } from '../../src/report/types.js';
import { CLUSTER, context, contextFor, finding, fixtures, reportRules, runResult, scans, type FixtureName } from './fixtures.js';
import { prevalidateSarif, validateSarif } from './sarif-validate.js';

/** A repository the hand-made paths below are relative to. */
const repo = '/home/ci/repos/infra';
const handMade = (overrides: Partial<ReportContext> = {}): ReportContext => context({ sarifAnchor: '.kcheck.yaml', cwd: repo, ...overrides });

/**
 * The context `kcheck scan --format sarif` gives the scenario: anchored, as
 * the CLI does by default, to the config file when the scan has one, else
 * with `--sarif-anchor README.md`.
 */
function sarifContext(name: FixtureName, overrides: Partial<ReportContext> = {}): ReportContext {
  const anchor = scans[name].config.file === '/dev/null' ? { sarifAnchor: 'README.md' } : {};
  return { ...contextFor(name, 'sarif', anchor), ...overrides };
}

/** Formats, checks with every validator, and returns the parsed log's single run. */
function sarifRun(result: RunResult, ctx: ReportContext): Sarif.Run {
  const text = formatSarif(result, ctx);
  expect(validateSarif(text).warnings).toEqual([]);
  const log = JSON.parse(text) as Sarif.Log;
  expect(log.runs).toHaveLength(1);
  return log.runs[0]!;
}
const scenarioRun = (name: FixtureName): Sarif.Run => sarifRun(fixtures[name], sarifContext(name));

const SLOW = 120_000;

/** Results built by hand from real findings, for what the scenarios do not show: paths, fingerprints, names. */
const [parse, etcd] = fixtures.mixed.findings.filter((f) => f.location);
const [first, second] = fixtures.files.findings.filter((f) => f.object);
const live = fixtures.live.findings;
const otherNode = { ...live[1]!, object: { ...live[1]!.object!, name: 'worker-9' } };
const handMadeResults = {
  inRepo: runResult({ findings: [parse!, finding({ ...etcd!, location: { file: `${repo}/clusters/prod eu/etcd.yaml`, line: 7, column: 5 } })] }),
  elsewhere: runResult({
    findings: [
      finding({ ...first!, location: { file: '../infra/./nodes.yaml', line: 3, column: 1 } }),
      finding({ ...second!, location: { file: '/var/backups/nodes.yaml', line: 4, column: 1 } }),
    ],
  }),
  live: runResult({ cluster: CLUSTER, findings: live }),
  reworded: runResult({ cluster: CLUSTER, findings: live.map((f) => ({ ...f, message: `${f.message} Upgraded kubelets since.` })) }),
  otherNode: runResult({ cluster: CLUSTER, findings: [otherNode] }),
  twice: runResult({ findings: [live[0]!, { ...live[0]!, message: 'kube-proxy is older than the kubelet.' }] }),
  eks: runResult({ cluster: 'arn:aws:eks:eu-west-1:123456789012:cluster/prod eu' }),
};

describe('sarif report', () => {
  // Each run of sarif-multitool takes seconds: the scenarios' logs go to it in one run.
  beforeAll(() => {
    prevalidateSarif([
      ...(Object.keys(fixtures) as FixtureName[]).map((name) => formatSarif(fixtures[name], sarifContext(name))),
      formatSarif(fixtures.live, contextFor('live', 'sarif', { sarifAnchor: 'deploy/rbac.yaml' })),
      formatSarif(fixtures.flags, contextFor('flags', 'sarif')),
      formatSarif(fixtures.suppressed, context({ cwd: repo })),
      JSON.stringify(JSON.parse(JSON.stringify(sarifLog(fixtures.mixed, sarifContext('mixed'), 3))), null, 2),
      ...Object.values(handMadeResults).map((result) => formatSarif(result, handMade())),
    ]);
  }, SLOW);

  for (const name of Object.keys(fixtures) as FixtureName[]) {
    it(`turns the ${name} scan into SARIF that passes the schema, GitHub's rules and sarif-multitool`, () => {
      scenarioRun(name);
    }, SLOW);
  }

  it('renders the mixed scan as the reviewed snapshot', async () => {
    const text = formatSarif(fixtures.mixed, sarifContext('mixed'));
    validateSarif(text);
    await expect(text).toMatchFileSnapshot('__snapshots__/sarif/mixed.sarif.json');
  }, SLOW);

  it('lists every registered rule with its documentation as markdown help, linked', () => {
    const run = scenarioRun('live');
    const rules = run.tool.driver.rules ?? [];
    expect(rules.map((r) => r.id)).toEqual(reportRules.map((r) => r.id));
    const docs = readRuleDocs(reportRules.map((r) => r.id));
    for (const rule of rules) {
      const doc = docs.get(rule.id);
      expect(doc, `rules/${rule.id}.md`).toBeTruthy();
      expect(rule.help?.markdown).toBe(`${doc!.trim()}\n\n[Documentation of ${rule.id}](https://github.com/kcheck-dev/kcheck/blob/main/rules/${rule.id}.md)`);
      expect(rule.properties).not.toHaveProperty('security-severity');
    }
    const skew = rules.find((r) => r.id === 'kubelet-version-skew');
    expect(skew?.name).toBe('KubeletVersionSkew');
    expect(skew?.help?.markdown).toMatch(/^# kubelet-version-skew\n/);
    expect(skew?.help?.markdown).toContain('## Failing example');
    expect(skew?.fullDescription?.text).toBe(
      "A node's kubelet is newer than the oldest kube-apiserver, or older than the version skew policy allows. Default severity: error.",
    );
    expect(skew?.defaultConfiguration?.level).toBe('error');
    expect(skew?.properties?.tags).toEqual(['versions']);
    expect(rules.find((r) => r.id === 'release-data-outdated')?.defaultConfiguration?.level).toBe('note');
  }, SLOW);

  it('points each result at its rule and maps severities to SARIF levels', () => {
    const run = scenarioRun('mixed');
    const rules = run.tool.driver.rules ?? [];
    for (const result of run.results ?? []) expect(rules[result.ruleIndex ?? -1]?.id).toBe(result.ruleId);
    const levels = (run.results ?? []).map((r) => r.level);
    expect(levels).toEqual(fixtures.mixed.findings.map((f) => ({ error: 'error', warning: 'warning', info: 'note' })[f.severity]));
    expect(new Set(levels)).toEqual(new Set(['error', 'warning', 'note']));
  }, SLOW);

  it('places file findings at their line and column, repository-relative with forward slashes, without a fingerprint', () => {
    const run = sarifRun(handMadeResults.inRepo, handMade());
    const [relative, inRepo] = run.results ?? [];
    expect(relative?.locations?.[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: 'fixtures/demo/cluster/broken.yaml' },
      region: { startLine: 13, startColumn: 9 },
    });
    expect(inRepo?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe('clusters/prod%20eu/etcd.yaml');
    expect(relative).not.toHaveProperty('partialFingerprints');
    expect(inRepo).not.toHaveProperty('partialFingerprints');
  }, SLOW);

  it('makes paths given relative to another directory relative to the repository root', () => {
    const run = sarifRun(handMadeResults.elsewhere, handMade());
    expect(run.results?.map((r) => r.locations?.[0]?.physicalLocation?.artifactLocation?.uri)).toEqual([
      'nodes.yaml',
      'file:///var/backups/nodes.yaml',
    ]);
  }, SLOW);

  it('anchors findings without a file to line 1 of the anchor file, with the object as a logical location', () => {
    const run = sarifRun(fixtures.live, contextFor('live', 'sarif', { sarifAnchor: 'deploy/rbac.yaml' }));
    expect(run.results).toHaveLength(fixtures.live.findings.length);
    const [controllerManager, node] = run.results ?? [];
    expect(controllerManager?.locations?.[0]).toEqual({
      physicalLocation: { artifactLocation: { uri: 'deploy/rbac.yaml' }, region: { startLine: 1, startColumn: 1 } },
      logicalLocations: [
        {
          name: 'kube-controller-manager-cp-1',
          fullyQualifiedName: `${CLUSTER}/Pod/kube-system/kube-controller-manager-cp-1`,
          kind: 'object',
        },
      ],
    });
    expect(node?.locations?.[0]?.logicalLocations?.[0]?.fullyQualifiedName).toBe(`${CLUSTER}/Node/worker-2`);
    // A finding about no object (a flag, the release table) has no logical location.
    const flags = sarifRun(fixtures.flags, contextFor('flags', 'sarif'));
    expect(flags.results?.map((r) => r.locations?.[0]?.physicalLocation?.artifactLocation?.uri)).toEqual([
      'test/report/configs/flags.kcheck.yaml',
      'test/report/configs/flags.kcheck.yaml',
    ]);
    expect(flags.results?.every((r) => r.locations?.[0]?.logicalLocations === undefined)).toBe(true);
  }, SLOW);

  it('gives anchored findings fingerprints that differ per object and survive a new message', () => {
    const hashes = (result: RunResult): string[] =>
      (sarifRun(result, handMade()).results ?? []).map((r) => r.partialFingerprints?.primaryLocationLineHash ?? 'none');
    const original = hashes(handMadeResults.live);
    expect(new Set(original).size).toBe(new Set(live.map((f) => `${f.ruleId} ${f.object?.kind}/${f.object?.name}`)).size);
    expect(original.every((h) => /^[0-9a-f]{16}:1$/.test(h))).toBe(true);
    expect(hashes(handMadeResults.reworded)).toEqual(original);
    expect(otherNode.object.name).not.toBe(live[1]!.object!.name);
    expect(hashes(handMadeResults.otherNode)[0]).not.toBe(original[1]);
  }, SLOW);

  it('numbers anchored findings that share rule and object instead of collapsing them', () => {
    const hashes = (sarifRun(handMadeResults.twice, handMade()).results ?? []).map((r) => r.partialFingerprints?.primaryLocationLineHash);
    expect(hashes[0]?.endsWith(':1')).toBe(true);
    expect(hashes[1]).toBe(hashes[0]?.replace(/:1$/, ':2'));
  }, SLOW);

  it('refuses, as a usage error, to write findings without a file when there is no anchor', () => {
    const write = () => formatSarif(fixtures.live, context({ cwd: repo }));
    expect(write).toThrow(MissingSarifAnchorError);
    expect(write).toThrow(UsageError);
    expect(write).toThrow(
      'SARIF needs a repository file to anchor 6 findings that have no file (first: control-plane-version-skew about Pod kube-system/kube-controller-manager-cp-1); give one with --sarif-anchor FILE',
    );
  });

  it('needs no anchor when every finding has a file', () => {
    const run = sarifRun(fixtures.suppressed, context({ cwd: repo }));
    expect(run.results).toHaveLength(fixtures.suppressed.findings.length);
  }, SLOW);

  it('marks annotation suppressions as in source and config ignores as external, with their reasons', () => {
    const run = scenarioRun('suppressed');
    expect(run.results?.map((r) => r.suppressions ?? null)).toEqual([
      null,
      [{ kind: 'inSource', justification: 'GPU driver pins 1.29 until CHG-4821 (2026-12-05); drained and cordoned' }],
      [{ kind: 'external', justification: 'worker-1 is replaced in the Q1 hardware refresh' }],
    ]);
  }, SLOW);

  it('names the analysis after the cluster, or files, ending with a slash', () => {
    expect(scenarioRun('files').automationDetails?.id).toBe('kcheck/files/');
    expect(scenarioRun('live').automationDetails?.id).toBe(`kcheck/${CLUSTER}/`);
    expect(sarifRun(handMadeResults.eks, handMade()).automationDetails?.id).toBe('kcheck/arn:aws:eks:eu-west-1:123456789012:cluster-prod-eu/');
  }, SLOW);

  it('reports an incomplete scan as an unsuccessful execution with one error notification per gap', () => {
    const [invocation] = scenarioRun('incompleteClean').invocations ?? [];
    expect(invocation?.executionSuccessful).toBe(false);
    expect(invocation?.toolExecutionNotifications?.map((n) => [n.level, n.message.text])).toEqual([
      ['error', `The scan is incomplete: ${CLUSTER}/nodes: forbidden: needs list on nodes (core).`],
      ['error', `The scan is incomplete: ${CLUSTER}/pods: forbidden: needs list on pods (core).`],
    ]);
    const [complete] = scenarioRun('clean').invocations ?? [];
    expect(complete?.executionSuccessful).toBe(true);
    expect(complete).not.toHaveProperty('toolExecutionNotifications');
  }, SLOW);

  it('tells which rules were skipped and why', () => {
    const [invocation] = scenarioRun('documented').invocations ?? [];
    expect(invocation?.toolConfigurationNotifications).toEqual([
      {
        level: 'note',
        message: { text: 'Rule kubeadm-version-mismatch was skipped: no kubeadm version known (pass --kubeadm-version, from `kubeadm version -o short`).' },
        associatedRule: { id: 'kubeadm-version-mismatch', index: reportRules.findIndex((r) => r.id === 'kubeadm-version-mismatch') },
      },
    ]);
    const [clean] = scenarioRun('clean').invocations ?? [];
    expect(clean?.toolConfigurationNotifications?.map((n) => n.associatedRule?.id)).toEqual(fixtures.clean.skippedRules.map((s) => s.ruleId));
  }, SLOW);

  it('keeps the most severe findings within the result limit and says how many were left out', () => {
    const findings = fixtures.mixed.findings;
    const log = JSON.parse(JSON.stringify(sarifLog(fixtures.mixed, sarifContext('mixed'), 3))) as Sarif.Log;
    validateSarif(log);
    const [run] = log.runs;
    const errors = findings.filter((f) => f.severity === 'error' && !f.suppressed).slice(0, 3);
    expect(run?.results?.map((r) => r.ruleId)).toEqual(errors.map((f) => f.ruleId));
    expect(run?.invocations?.[0]?.toolExecutionNotifications).toEqual([
      {
        level: 'warning',
        message: { text: `${findings.length - 3} findings are left out: GitHub code scanning takes at most 3 results per run; the JSON report has them all.` },
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
    expect(() => formatSarif(runResult({ findings: [stray] }), handMade())).toThrow(/no-such-rule/);
  });
});

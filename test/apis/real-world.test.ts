import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { scan } from '../../src/cli/pipeline.js';
import { FIXTURE_NOW } from '../helpers/fixture-args.js';

const folder = 'fixtures/apis/real-world';
const API_RULES = new Set(['removed-api', 'deprecated-api']);

type Expected = [rule: 'removed-api' | 'deprecated-api', file: string, line: number];

async function apiFindings(target: string, paths = [folder], stdin?: Readable) {
  const result = await scan({ paths, target, now: FIXTURE_NOW, config: '/dev/null', ...(stdin ? { stdin } : {}) });
  return result.result.findings.filter((f) => API_RULES.has(f.ruleId));
}

/** Findings present at every target from 1.25 on: APIs removed in 1.16-1.25. */
const removedBy125: Expected[] = [
  ['removed-api', 'cronjob-backup.yaml', 1],
  ['removed-api', 'helm-rendered.yaml', 52],
  ['removed-api', 'helm-rendered.yaml', 63],
  ['removed-api', 'helm-rendered.yaml', 81],
  ['removed-api', 'ingress-nginx-legacy.yaml', 15],
  ['removed-api', 'kubectl-get-list.yaml', 7],
  ['removed-api', 'kubectl-get-list.yaml', 22],
  ['removed-api', 'pod-security-policy.yaml', 2],
];

const expected: Record<string, Expected[]> = {
  '1.25': [...removedBy125, ['deprecated-api', 'hpa.yaml', 1]],
  '1.26': [
    ...removedBy125,
    ['deprecated-api', 'flowcontrol.yaml', 2],
    ['deprecated-api', 'flowcontrol.yaml', 14],
    ['removed-api', 'hpa.yaml', 1],
  ],
  '1.29': [
    ...removedBy125,
    ['removed-api', 'flowcontrol.yaml', 2],
    ['removed-api', 'flowcontrol.yaml', 14],
    ['deprecated-api', 'flowcontrol.yaml', 34],
    ['removed-api', 'hpa.yaml', 1],
  ],
  '1.32': [
    ...removedBy125,
    ['removed-api', 'flowcontrol.yaml', 2],
    ['removed-api', 'flowcontrol.yaml', 14],
    ['removed-api', 'flowcontrol.yaml', 34],
    ['removed-api', 'hpa.yaml', 1],
  ],
};

const sorted = (rows: Expected[]): string[] => rows.map((r) => r.join(' ')).sort();

describe('real-world manifests', () => {
  it.each(Object.keys(expected))('--target %s gives exactly the expected findings at their lines', async (target) => {
    const found = await apiFindings(target);
    const rows = found.map((f): Expected => [f.ruleId as Expected[0], f.location!.file.slice(folder.length + 1), f.location!.line]);
    expect(sorted(rows)).toEqual(sorted(expected[target]!));
    for (const f of found) expect(f.severity).toBe(f.ruleId === 'removed-api' ? 'error' : 'warning');
  });

  it('names the replacement and what else changes in the common cases', async () => {
    const found = await apiFindings('1.26');
    const at = (file: string, line: number) => found.find((f) => f.location?.file === `${folder}/${file}` && f.location.line === line)!;

    const ingress = at('ingress-nginx-legacy.yaml', 15);
    expect(ingress.message).toContain('Ingress shop/shop uses extensions/v1beta1, removed in 1.22: not served at target 1.26; use networking.k8s.io/v1 (served since 1.19)');
    expect(ingress.remediation).toMatch(/spec\.backend is renamed spec\.defaultBackend/);
    expect(ingress.remediation).toMatch(/service\.port\.number/);
    expect(ingress.remediation).toMatch(/pathType/);

    expect(at('helm-rendered.yaml', 52).remediation).toMatch(/empty spec\.selector \(\{\}\) selects every pod/);
    expect(at('helm-rendered.yaml', 63).remediation).toMatch(/targetAverageUtilization becomes target\.type Utilization/);
    expect(at('cronjob-backup.yaml', 1).message).toContain('use batch/v1 (served since 1.21)');

    const psp = at('pod-security-policy.yaml', 2);
    expect(psp.message).toContain('it has no replacement API: use Pod Security Admission');
    expect(psp.remediation).toMatch(/pod-security\.kubernetes\.io\/enforce/);

    const flow = at('flowcontrol.yaml', 2);
    expect(flow.message).toContain('deprecated since 1.26, removed in 1.29 (still served at target 1.26); use flowcontrol.apiserver.k8s.io/v1 once the cluster runs 1.29');
    expect(flow.remediation).toMatch(/nominalConcurrencyShares/);
  });

  it('marks findings from the last-applied annotation as lower confidence, and only those', async () => {
    const found = await apiFindings('1.29');
    const fromAnnotation = found.filter((f) => f.message.includes('lower confidence'));
    expect(fromAnnotation.map((f) => [f.object?.kind, f.location?.line])).toEqual([
      ['ClusterRoleBinding', 7],
      ['Deployment', 22],
    ]);
    expect(fromAnnotation[1]!.message).toContain('Deployment tools/legacy-admin uses extensions/v1beta1, removed in 1.16');
    expect(fromAnnotation[1]!.remediation).toMatch(/^Re-apply the object from a manifest that uses apps\/v1/);
  });

  it('reads a chart rendered on stdin (helm template ... | kcheck scan -) with its lines', async () => {
    const text = readFileSync(`${folder}/helm-rendered.yaml`, 'utf8');
    const found = await apiFindings('1.25', ['-'], Readable.from([text]));
    expect(found.map((f) => [f.ruleId, f.location?.file, f.location?.line, f.object?.kind])).toEqual([
      ['removed-api', '<stdin>', 52, 'PodDisruptionBudget'],
      ['removed-api', '<stdin>', 63, 'HorizontalPodAutoscaler'],
      ['removed-api', '<stdin>', 81, 'Ingress'],
    ]);
  });
});

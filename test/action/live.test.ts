import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTEXTS } from '../cluster/start.js';
import { useTestCluster } from '../cluster/use-cluster.js';
import { validateSarif } from '../report/sarif-validate.js';
import { annotations, node24, runStep, type StepRun } from './action-run.js';

const cluster = useTestCluster();
const dir = mkdtempSync(path.join(tmpdir(), 'kcheck-action-live-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the bundled Action on a live cluster, kubeconfig from a secret', () => {
  let run: StepRun;
  let ws = '';

  beforeAll(() => {
    ws = path.join(dir, 'workspace');
    mkdirSync(ws);
    // The config file in the repository: findings about the cluster are anchored to it in SARIF.
    writeFileSync(path.join(ws, '.kcheck.yaml'), 'failOn: error\n');
    const secret = readFileSync(cluster().kubeconfigPath, 'utf8');
    run = runStep(node24(), ws, { kubeconfig: secret, context: CONTEXTS.reader, 'fail-on': 'never', category: 'kcheck/test-cluster/' }, dir);
  }, 180_000);

  it('reads the cluster with the read-only identity and writes its reports', () => {
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(annotations(run.stdout).filter((a) => a.message.startsWith('kcheck: '))).toEqual([]);
    expect(run.outputs['sarif-file']).toBe('kcheck.sarif');
    expect(run.summary).toMatch(/^## kcheck: /);
    expect(run.summary).toContain(`Cluster **${CONTEXTS.reader}**`);
  });

  it('writes SARIF with the cluster\'s findings anchored to the config file', () => {
    const text = readFileSync(path.join(ws, 'kcheck.sarif'), 'utf8');
    validateSarif(text);
    const log = JSON.parse(text) as { runs: { automationDetails: { id: string }; results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    expect(log.runs[0]?.automationDetails.id).toBe('kcheck/test-cluster/');
    for (const result of log.runs[0]!.results) expect(result.locations[0]?.physicalLocation.artifactLocation.uri).toBe('.kcheck.yaml');
  });

  it('leaves no copy of the kubeconfig behind', () => {
    expect(readdirSync(dir).filter((name) => name.startsWith('kcheck-kubeconfig-'))).toEqual([]);
  });
});

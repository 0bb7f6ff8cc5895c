import { describe, expect, test } from 'vitest';
import { rules } from '../../rules/index.js';
import { loadConfig } from '../../src/cli/config-file.js';
import { judge } from '../../src/cli/pipeline.js';
import { readDeprecatedApiMetrics } from '../../src/model/deprecated-api-metrics.js';
import { emptyInputs, type LiveProvenance } from '../../src/sources/types.js';
import { apiRequest } from '../cluster/api.js';
import { CONTEXTS } from '../cluster/start.js';
import { useTestCluster } from '../cluster/use-cluster.js';
import { FIXTURE_NOW } from '../helpers/fixture-args.js';

const cluster = useTestCluster();

describe('the deprecated-API metric of a real kube-apiserver', () => {
  test('a request through a deprecated version that the apiserver still serves is reported from GET /metrics', async () => {
    const c = cluster();
    const admin = { server: c.server, caFile: c.caFile, token: c.tokens.admin };
    const reader = { server: c.server, caFile: c.caFile, token: c.tokens.reader };

    const provenance: LiveProvenance = { type: 'live', cluster: CONTEXTS.reader };
    const endpointsRequested = (text: string) =>
      readDeprecatedApiMetrics(text, provenance).some((r) => r.group === '' && r.version === 'v1' && r.resource === 'endpoints');
    expect(endpointsRequested((await apiRequest(admin, 'GET', '/metrics')).text)).toBe(false);

    // v1 Endpoints is deprecated since 1.33 (in favour of EndpointSlices) and still served.
    const endpoints = await apiRequest(admin, 'GET', '/api/v1/namespaces/default/endpoints');
    expect(endpoints.status).toBe(200);

    // The identity deploy/rbac.yaml binds may GET /metrics (a non-resource URL).
    const metrics = await apiRequest(reader, 'GET', '/metrics');
    expect(metrics.status).toBe(200);

    expect(endpointsRequested(metrics.text)).toBe(true);
    const requested = readDeprecatedApiMetrics(metrics.text, provenance);
    expect(requested).toContainEqual({ group: '', version: 'v1', resource: 'endpoints', subresource: '', removedRelease: null, provenance });

    const inputs = { ...emptyInputs(), metrics: [{ provenance, text: metrics.text }] };
    inputs.versionReports.push({ provenance, serverVersion: c.version });
    const scan = judge(inputs, { paths: [], now: FIXTURE_NOW }, loadConfig('/dev/null', rules));
    const found = scan.result.findings.filter((f) => f.ruleId === 'deprecated-api' && f.message.includes('v1 endpoints'));
    expect(found.map((f) => [f.cluster, f.message])).toEqual([
      [
        CONTEXTS.reader,
        `clients still request v1 endpoints, deprecated since 1.33, no removal scheduled (still served at the cluster's version ${c.version}); ` +
          'use discovery.k8s.io/v1 EndpointSlice (served since 1.21) (apiserver_requested_deprecated_apis)',
      ],
    ]);
  });
});

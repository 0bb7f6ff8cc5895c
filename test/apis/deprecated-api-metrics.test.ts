import { describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { loadConfig } from '../../src/cli/config-file.js';
import { judge } from '../../src/cli/pipeline.js';
import { readDeprecatedApiMetrics } from '../../src/model/deprecated-api-metrics.js';
import { emptyInputs, mergeInputs, type LiveProvenance } from '../../src/sources/types.js';
import { FIXTURE_NOW } from '../helpers/fixture-args.js';

const provenance: LiveProvenance = { type: 'live', cluster: 'prod' };

/** An excerpt of a kube-apiserver's GET /metrics, as Prometheus text. */
const METRICS = String.raw`# HELP apiserver_request_total [STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.
# TYPE apiserver_request_total counter
apiserver_request_total{code="200",component="apiserver",dry_run="",group="batch",resource="cronjobs",scope="cluster",subresource="",verb="LIST",version="v1beta1"} 12
# HELP apiserver_requested_deprecated_apis [STABLE] Gauge of deprecated APIs that have been requested, broken out by API group, version, resource, subresource, and removed_release.
# TYPE apiserver_requested_deprecated_apis gauge
apiserver_requested_deprecated_apis{group="batch",removed_release="1.25",resource="cronjobs",subresource="",version="v1beta1"} 1
apiserver_requested_deprecated_apis{group="autoscaling",removed_release="1.26",resource="horizontalpodautoscalers",subresource="status",version="v2beta2"} 1
apiserver_requested_deprecated_apis{group="",removed_release="",resource="componentstatuses",subresource="",version="v1"} 1
apiserver_requested_deprecated_apis{group="example.com",removed_release="",resource="widgets",subresource="",version="v1alpha1"} 1 1700000000000
apiserver_requested_deprecated_apis{group="policy",removed_release="1.25",resource="podsecuritypolicies",subresource="",version="v1beta1"} 0
apiserver_requested_deprecated_apis_note{group="x",version="v1",resource="y"} 1
apiserver_storage_objects{resource="cronjobs.batch"} 3
`;

describe('apiserver_requested_deprecated_apis', () => {
  it('reads the requested deprecated APIs from /metrics text, skipping other metrics and samples at 0', () => {
    expect(readDeprecatedApiMetrics(METRICS, provenance)).toEqual([
      { group: 'batch', version: 'v1beta1', resource: 'cronjobs', subresource: '', removedRelease: '1.25', provenance },
      { group: 'autoscaling', version: 'v2beta2', resource: 'horizontalpodautoscalers', subresource: 'status', removedRelease: '1.26', provenance },
      { group: '', version: 'v1', resource: 'componentstatuses', subresource: '', removedRelease: null, provenance },
      { group: 'example.com', version: 'v1alpha1', resource: 'widgets', subresource: '', removedRelease: null, provenance },
    ]);
  });

  it('reads escaped label values and skips malformed lines', () => {
    const text = [
      'apiserver_requested_deprecated_apis{group="a\\"b",removed_release="1.40",resource="things",subresource="",version="v1beta1"} 1',
      'apiserver_requested_deprecated_apis{group="broken,resource="x"} 1',
      'apiserver_requested_deprecated_apis{group="batch",resource="cronjobs",version="v1beta1"} not-a-number',
    ].join('\n');
    expect(readDeprecatedApiMetrics(text, provenance)).toEqual([
      { group: 'a"b', version: 'v1beta1', resource: 'things', subresource: '', removedRelease: '1.40', provenance },
    ]);
  });

  it('reports what clients still request: removed at the target as removed-api, otherwise deprecated-api', () => {
    const inputs = emptyInputs();
    inputs.versionReports.push({ provenance, serverVersion: 'v1.24.17' });
    mergeInputs(inputs, { ...emptyInputs(), metrics: [{ provenance, text: METRICS }] });
    const config = loadConfig('/dev/null', rules);

    const at = (target: string | undefined) => {
      const scan = judge(inputs, { paths: [], now: FIXTURE_NOW, ...(target ? { target } : {}) }, config);
      return scan.result.findings
        .filter((f) => f.ruleId.endsWith('-api'))
        .map((f) => ({ rule: f.ruleId, cluster: f.cluster, location: f.location, message: f.message }));
    };

    // No --target: judged at the cluster's own version, 1.24, where everything is still served.
    expect(at(undefined).map((f) => f.rule)).toEqual(['deprecated-api', 'deprecated-api', 'deprecated-api', 'deprecated-api']);

    const findings = at('1.25');
    expect(findings).toContainEqual({
      rule: 'removed-api',
      cluster: 'prod',
      location: null,
      message: 'clients still request batch/v1beta1 cronjobs, removed in 1.25: not served at target 1.25; use batch/v1 (served since 1.21) (apiserver_requested_deprecated_apis)',
    });
    expect(findings.filter((f) => f.rule === 'deprecated-api').map((f) => f.message)).toEqual([
      'clients still request autoscaling/v2beta2 horizontalpodautoscalers/status, deprecated since 1.23, removed in 1.26 (still served at target 1.25); use autoscaling/v2 (served since 1.23) (apiserver_requested_deprecated_apis)',
      'clients still request example.com/v1alpha1 widgets, deprecated, no removal scheduled (still served at target 1.25) (apiserver_requested_deprecated_apis)',
      "clients still request v1 componentstatuses, deprecated since 1.19, no removal scheduled (still served at target 1.25); it has no replacement API: use the components' own health endpoints (/livez, /readyz) (apiserver_requested_deprecated_apis)",
    ]);
  });

  it('tells how to find the client that makes the requests', () => {
    const inputs = { ...emptyInputs(), metrics: [{ provenance, text: METRICS }] };
    const scan = judge(inputs, { paths: [], now: FIXTURE_NOW, target: '1.26' }, loadConfig('/dev/null', rules));
    const hpa = scan.result.findings.find((f) => f.message.includes('horizontalpodautoscalers'))!;
    expect(hpa.ruleId).toBe('removed-api');
    expect(hpa.remediation).toMatch(/audit log marks its requests with the annotations k8s\.io\/deprecated/);
    expect(hpa.remediation).toMatch(/to request autoscaling\/v2\./);
  });
});

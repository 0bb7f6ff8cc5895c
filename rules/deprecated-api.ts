import { defineRule } from '../src/engine/define-rule.js';
import { minorOf } from '../src/model/version.js';
import { apiReport, apiTarget, apiUses, isDeprecatedAt, type ApiUse } from './shared/api-uses.js';

function lifespan(use: ApiUse): string {
  const since = use.deprecatedIn ? `deprecated since ${minorOf(use.deprecatedIn)}` : 'deprecated';
  return use.removedIn
    ? `${since}, removed in ${minorOf(use.removedIn)}`
    : `${since}, no removal scheduled`;
}

export default defineRule({
  id: 'deprecated-api',
  description: 'An object, or a client, uses an API version that the target Kubernetes release still serves but has deprecated.',
  category: 'apis',
  judges: 'cluster',
  severity: 'warning',
  remediation:
    'Move manifests, charts and clients to the replacement apiVersion while both are served, so the upgrade that ' +
    'removes the old version breaks nothing. See https://kubernetes.io/docs/reference/using-api/deprecation-guide/',
  check(model) {
    const target = apiTarget(model);
    return apiUses(model)
      .filter((use) => isDeprecatedAt(use, target.version))
      .map((use) => apiReport(use, target, `${lifespan(use)} (still served at ${target.label})`));
  },
});

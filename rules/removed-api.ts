import { defineRule } from '../src/engine/define-rule.js';
import { minorOf } from '../src/model/version.js';
import { apiReport, apiTarget, apiUses, isRemovedAt } from './shared/api-uses.js';

export default defineRule({
  id: 'removed-api',
  description: 'An object, or a client, uses an API version that the target Kubernetes release no longer serves.',
  category: 'apis',
  judges: 'cluster',
  severity: 'error',
  remediation:
    'Move manifests, charts and clients to the replacement apiVersion before upgrading (kubectl-convert -f FILE ' +
    '--output-version GROUP/VERSION converts a file); objects already stored stay readable through the replacement. ' +
    'See https://kubernetes.io/docs/reference/using-api/deprecation-guide/',
  check(model) {
    const target = apiTarget(model);
    return apiUses(model)
      .filter((use) => isRemovedAt(use, target.version))
      .map((use) => apiReport(use, target, `removed in ${minorOf(use.removedIn!)}: not served at ${target.label}`));
  },
});

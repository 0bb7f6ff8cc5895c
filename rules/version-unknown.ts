import { defineRule } from '../src/engine/define-rule.js';

export default defineRule({
  id: 'version-unknown',
  description: 'A component\'s version cannot be known (an image without a version tag, a digest only, an unparsable string).',
  category: 'versions',
  judges: 'cluster',
  severity: 'info',
  remediation:
    'Pin control-plane images to version tags (registry.k8s.io/kube-apiserver:v1.33.4, optionally @sha256:...) so skew ' +
    'can be checked, or give the version another way (kubectl version -o json output, --kubectl-version, --kubeadm-version).',
  check(model) {
    return model.components
      .filter((c) => c.version === null)
      .map((c) => ({
        subject: c.subject,
        message: `cannot tell the version of ${c.component}${c.node ? ` on node ${c.node}` : ''} from "${c.raw}"; its skew is not checked`,
      }));
  },
});

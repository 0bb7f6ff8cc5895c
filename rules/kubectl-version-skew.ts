import { defineRule } from '../src/engine/define-rule.js';
import { apiserverRange, componentsNamed } from '../src/model/control-plane.js';
import { kubectlWindow, outsideWindow, versionsOf } from './policy/skew.js';
import { installCommands } from './policy/packages.js';

export default defineRule({
  id: 'kubectl-version-skew',
  description: 'kubectl is more than one minor older or newer than a kube-apiserver.',
  category: 'versions',
  severity: 'warning',
  needs: ['controlPlane'],
  remediation: 'Install the kubectl of the control plane\'s minor (kubectl version shows both).',
  check(model) {
    const range = apiserverRange(model);
    if (!range) return [];
    const api = versionsOf(range);
    const window = kubectlWindow(api);
    const remediation = installCommands(['kubectl'], api.oldest);
    return outsideWindow(componentsNamed(model, 'kubectl'), window, api).map((report) => ({ ...report, remediation }));
  },
});

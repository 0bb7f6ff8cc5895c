import { defineRule } from '../src/engine/define-rule.js';
import { apiserverRange, componentsNamed } from '../src/model/control-plane.js';
import { kubectlWindow, versionsOf } from '../src/facts/skew-policy.js';
import { outsideWindow } from './shared/outside-window.js';
import { installCommands } from '../src/facts/packages.js';

export default defineRule({
  id: 'kubectl-version-skew',
  description: 'kubectl is more than one minor older or newer than a kube-apiserver.',
  category: 'versions',
  judges: 'cluster',
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

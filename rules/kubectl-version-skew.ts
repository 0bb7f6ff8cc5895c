import { defineRule } from '../src/engine/define-rule.js';
import { apiserverRange, componentsNamed } from '../src/model/control-plane.js';
import { describeWindow, inWindow, kubectlWindow, measuredAgainst, versionsOf } from './policy/skew.js';
import { distance, show } from './policy/messages.js';
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
    return componentsNamed(model, 'kubectl')
      .filter((c) => !inWindow(c.version, window))
      .map((c) => {
        const against = measuredAgainst(c.version, api);
        return {
          subject: c.subject,
          message:
            `kubectl ${show(c.version)} is ${distance(c.version, against)} kube-apiserver ${show(against)}; ` +
            `allowed kubectl minors: ${describeWindow(window)}`,
          remediation: installCommands(['kubectl'], api.oldest),
        };
      });
  },
});

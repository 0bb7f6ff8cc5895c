import { defineRule } from '../src/engine/define-rule.js';
import { apiserverRange, componentsNamed } from '../src/model/control-plane.js';
import type { ComponentName } from '../src/model/types.js';
import { controlPlaneWindow, versionsOf } from '../src/facts/skew-policy.js';
import { outsideWindow } from './shared/outside-window.js';

const CONTROLLERS: ComponentName[] = ['kube-controller-manager', 'kube-scheduler', 'cloud-controller-manager'];

export default defineRule({
  id: 'control-plane-version-skew',
  description:
    'kube-controller-manager, kube-scheduler or cloud-controller-manager is newer than the oldest kube-apiserver or more than one minor older than the newest.',
  category: 'versions',
  judges: 'cluster',
  severity: 'error',
  needs: ['controlPlane'],
  remediation:
    'Upgrade the control plane in order: every kube-apiserver first, then kube-controller-manager, kube-scheduler and ' +
    'cloud-controller-manager (kubeadm upgrade apply on the first control-plane node, kubeadm upgrade node on the others). ' +
    'A component newer than an apiserver must wait until every apiserver is upgraded.',
  check(model) {
    const range = apiserverRange(model);
    if (!range) return [];
    const api = versionsOf(range);
    const window = controlPlaneWindow(api);
    return outsideWindow(CONTROLLERS.flatMap((name) => componentsNamed(model, name)), window, api);
  },
});

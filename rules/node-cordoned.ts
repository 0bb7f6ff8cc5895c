import { defineRule } from '../src/engine/define-rule.js';

export default defineRule({
  id: 'node-cordoned',
  description: 'A node is left unschedulable: a maintenance that nobody finished with kubectl uncordon.',
  category: 'drain',
  judges: 'cluster',
  severity: 'warning',
  needs: ['nodes'],
  remediation:
    'When the node\'s maintenance is over, make it schedulable again with kubectl uncordon NODE. Pods evicted earlier ' +
    'do not move back by themselves; only new pods land there.',
  check: () => [],
  checkNode(model, node) {
    if (!node.unschedulable || (model.drain?.nodes ?? []).includes(node.name)) return [];
    return [{
      subject: node.subject,
      message:
        `node ${node.name} is cordoned (spec.unschedulable: true)${node.ready === false ? ' and NotReady' : ''}: ` +
        'no new pod is scheduled there, which leaves less room for every drain',
      remediation: `kubectl uncordon ${node.name}   # once its maintenance is over`,
    }];
  },
});

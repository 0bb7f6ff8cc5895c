import { defineRule } from '../src/engine/define-rule.js';

export default defineRule({
  id: 'parse-error',
  description: 'A document could not be parsed as YAML or JSON; nothing in it was checked.',
  category: 'input',
  severity: 'error',
  remediation: 'Fix the syntax at the reported line (kubectl apply --dry-run=client -f FILE shows the same error), or remove the file from the scan.',
  check(model) {
    return model.problems.map((problem) => ({
      subject: { ref: null, provenance: problem.provenance },
      message: problem.message,
    }));
  },
});

import { defineRule } from '../src/engine/define-rule.js';

export default defineRule({
  id: 'parse-error',
  description: 'A document could not be read: invalid YAML or JSON, or an object with a field of the wrong type; nothing in it was checked.',
  category: 'input',
  judges: 'input',
  severity: 'error',
  remediation: 'Fix the syntax or the field named at the reported line (kubectl apply --dry-run=client -f FILE refuses the same document), or remove the file from the scan.',
  check(model) {
    return model.problems.map((problem) => ({
      subject: { ref: null, provenance: problem.provenance },
      message: problem.message,
    }));
  },
});

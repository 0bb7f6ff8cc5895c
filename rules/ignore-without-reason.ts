import { defineRule } from '../src/engine/define-rule.js';
import { IGNORE_ANNOTATION_PREFIX } from '../src/engine/suppress.js';

export default defineRule({
  id: 'ignore-without-reason',
  description: 'An ignore.kcheck.io/<rule> annotation gives no reason; the next operator cannot tell why the check is off.',
  category: 'input',
  judges: 'input',
  severity: 'warning',
  remediation: 'Write the reason as the annotation value: kubectl annotate KIND NAME ignore.kcheck.io/RULE="why this is safe" --overwrite',
  check(model) {
    return model.objects.flatMap((o) =>
      Object.entries(o.subject.annotations ?? {})
        .filter(([key, value]) => key.startsWith(IGNORE_ANNOTATION_PREFIX) && value.trim() === '')
        .map(([key]) => ({ subject: o.subject, message: `annotation ${key} has no reason` })),
    );
  },
});

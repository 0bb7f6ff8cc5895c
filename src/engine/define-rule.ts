import type { Rule } from './types.js';

/**
 * Declares a rule. The rule says what is wrong and about which subject; the
 * engine adds severity (from config), location, remediation and docs URL.
 */
export function defineRule<Options extends object = Record<string, never>>(
  rule: Omit<Rule<Options>, 'defaultOptions' | 'needs'> & { defaultOptions?: Options; needs?: Rule<Options>['needs'] },
): Rule<Options> {
  return {
    ...rule,
    defaultOptions: (rule.defaultOptions ?? {}) as Options,
    needs: rule.needs ?? [],
  };
}

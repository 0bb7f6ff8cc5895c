import type { Rule } from '../src/engine/types.js';

/** Every rule, sorted by id. A test fails when a rule file is missing here. */
export const rules: Rule<any>[] = [
];

import { describe, expect, it } from 'vitest';
import { formatNames, formatters } from '../../src/report/index.js';
import { contextFor, fixtures, type FixtureName } from './fixtures.js';
import { prevalidateSarif, validateSarif } from './sarif-validate.js';

describe('report formats', () => {
  it('offers every format by the name --format takes', () => {
    expect(formatNames).toEqual(['text', 'json', 'sarif', 'github', 'markdown', 'junit', 'policyreport', 'html']);
  });

  it('writes every format as text ending with a newline, without touching the result', () => {
    const before = JSON.stringify(fixtures);
    const scenarios = ['mixed', 'incompleteClean'] satisfies FixtureName[];
    const sarifContext = (scenario: FixtureName) => contextFor(scenario, 'sarif', { sarifAnchor: 'README.md' });
    prevalidateSarif(scenarios.map((scenario) => formatters.sarif(fixtures[scenario], sarifContext(scenario))));
    for (const scenario of scenarios) {
      for (const name of formatNames) {
        const output = formatters[name](fixtures[scenario], contextFor(scenario, name, { sarifAnchor: 'README.md' }));
        expect(output.endsWith('\n'), `${scenario} as ${name}`).toBe(true);
        if (name === 'sarif') validateSarif(output);
        if (name === 'json' || name === 'sarif') expect(() => JSON.parse(output)).not.toThrow();
      }
    }
    expect(JSON.stringify(fixtures)).toBe(before);
  }, 120_000);
});

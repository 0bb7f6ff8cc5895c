import { describe, expect, it } from 'vitest';
import { formatNames, formatters } from '../../src/report/index.js';
import { context, fixtures } from './fixtures.js';
import { validateSarif } from './sarif-validate.js';

describe('report formats', () => {
  it('offers every format by the name --format takes', () => {
    expect(formatNames).toEqual(['text', 'json', 'sarif', 'github', 'markdown', 'junit', 'policyreport', 'html']);
  });

  it('writes every format as text ending with a newline, without touching the result', () => {
    const result = fixtures.mixed;
    const before = JSON.stringify(result);
    for (const name of formatNames) {
      const output = formatters[name](result, context({ sarifAnchor: '.kcheck.yaml' }));
      expect(output.endsWith('\n')).toBe(true);
      if (name === 'sarif') validateSarif(output);
      if (name === 'json' || name === 'sarif') expect(() => JSON.parse(output)).not.toThrow();
    }
    expect(JSON.stringify(result)).toBe(before);
  }, 120_000);
});

import { describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { parseConfig } from '../../src/engine/config.js';
import { UsageError } from '../../src/engine/errors.js';

/** The lines of the error parseConfig throws for `text`. */
function problems(text: string): string[] {
  try {
    parseConfig(text, 'k.yaml', rules);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return err.message.split('\n').map((l) => l.trim());
  }
  throw new Error('the config was accepted');
}

// How the loader's time grows with the number of keys is measured by test/bench/config-keys.ts (npm run bench).
describe('config files with many keys', () => {
  it('names every unknown rule of 2,000 at its own line, in line order', () => {
    const text = `rules:\n${Array.from({ length: 2000 }, (_, i) => `  no-such-rule-${i}: error\n`).join('')}`;
    const lines = problems(text);
    expect(lines[0]).toBe('invalid configuration');
    expect(lines).toHaveLength(2001);
    expect(lines[1]).toBe('k.yaml:2: rules.no-such-rule-0: no rule "no-such-rule-0" (kcheck rules lists them)');
    expect(lines[2000]).toBe('k.yaml:2001: rules.no-such-rule-1999: no rule "no-such-rule-1999" (kcheck rules lists them)');
  });

  it('names every unknown field at the line of its key, not only the last one', () => {
    expect(problems('failOn: error\ncolour: blue\nrules:\n  etcd-backup-stale:\n    options:\n      maxAge: 7d\n      maxage: 8d\nsize: 3\n')).toEqual([
      'invalid configuration',
      'k.yaml:2: (top level): unknown field "colour"',
      'k.yaml:7: rules.etcd-backup-stale.options: unknown field "maxage"',
      'k.yaml:8: (top level): unknown field "size"',
    ]);
  });

  it('still refuses a repeated key, at the line of the repeat, in block and flow mappings', () => {
    const many = Array.from({ length: 500 }, (_, i) => `  no-such-rule-${i}: error\n`).join('');
    expect(problems(`rules:\n${many}  no-such-rule-7: off\n`)).toEqual(['k.yaml:502: not valid YAML: Map keys must be unique']);
    expect(problems('failOn: error\nrules: {a: off, b: off, a: info}\n')).toEqual(['k.yaml:2: not valid YAML: Map keys must be unique']);
    expect(problems('ignore:\n  - rule: a\n    reason: x\n    rule: b\n')).toEqual(['k.yaml:4: not valid YAML: Map keys must be unique']);
  });

  it('reports the first of a repeated key and a syntax error', () => {
    expect(problems('failOn: error\nfailOn: warning\nrules: [\n')[0]).toBe('k.yaml:2: not valid YAML: Map keys must be unique');
    expect(problems('rules: [\nfailOn: error\nfailOn: warning\n')[0]).toMatch(/^k\.yaml:\d: not valid YAML: (?!Map keys must be unique)/);
  });

  it('keeps keys that only look alike apart (1 and "1"), as YAML does', () => {
    expect(problems('rules:\n  1: off\n  "1": off\n')).toEqual(['invalid configuration', 'k.yaml:2: rules.1: no rule "1" (kcheck rules lists them)']);
  });
});

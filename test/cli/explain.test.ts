import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

describe('kcheck explain', () => {
  it('prints the rule doc as a reader wants it, without the comments that tie its examples to fixtures', () => {
    const doc = readFileSync('rules/etcd-backup-stale.md', 'utf8');
    expect(doc).toMatch(/<!-- example: /);
    const run = runCli(['explain', 'etcd-backup-stale']);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/<!--|-->/);
    expect(run.stdout).toContain('## How to fix');
    expect(run.stdout).toBe(doc.replace(/<!--[\s\S]*?-->\n?/g, ''));
  });

  it('names a rule it does not know, and exits 2', () => {
    const run = runCli(['explain', 'etcd-backup']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no rule "etcd-backup"; did you mean etcd-backup-/);
  });
});

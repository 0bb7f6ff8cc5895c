import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'kcheck-hostile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const NOW = '--now=2026-11-20T00:00:00Z';

function write(name: string, text: string): string {
  const file = join(tmp, name);
  writeFileSync(file, text);
  return file;
}

const NODE_AFTER = 'apiVersion: v1\nkind: Node\nmetadata:\n  name: after\nstatus:\n  nodeInfo:\n    kubeletVersion: v1.33.5\n';

describe('documents that used to end in an internal error', () => {
  it('reports a scalar metadata at its line and fails the scan, even with --allow-incomplete', () => {
    const file = write('scalar-metadata.yaml', `apiVersion: v1\nkind: Node\nmetadata: hello\n---\n${NODE_AFTER}`);
    const run = runCli(['scan', file, NOW, '--allow-incomplete']);
    expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(run.stdout).toMatch(/1:1\s+error\s+Node: metadata is the string "hello", not a mapping; nothing in this object was checked\s+parse-error/);
    expect(run.code).toBe(1);
  });

  it('reports annotations that are not a mapping instead of stopping', () => {
    const file = write('owners.yaml', `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  ownerReferences: {kind: ReplicaSet, name: x, controller: true}\n---\n${NODE_AFTER}`);
    const run = runCli(['scan', file, NOW]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('Pod p: metadata.ownerReferences is a mapping, not a list');
    expect(run.code).toBe(1);
  });

  it('writes the html report for a Node named 5', () => {
    const file = write('node-5.yaml', `apiVersion: v1\nkind: Node\nmetadata:\n  name: 5\n---\n${NODE_AFTER}`);
    const out = join(tmp, 'report.html');
    const run = runCli(['scan', file, NOW, '--format', 'html', '-o', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(readFileSync(out, 'utf8')).toContain('metadata.name is a number, not a string');
  });
});

describe('a 20 MB double-quoted scalar', () => {
  it('is read in a heap of 192 MB', () => {
    const file = write('big.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  x: "${'a\\n'.repeat(5 * 1024 * 1024)}"\n`);
    const bin = new URL('../../bin/kcheck.js', import.meta.url).pathname;
    const run = spawnSync(process.execPath, ['--max-old-space-size=192', bin, 'scan', file, NOW], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('no problems');
    expect(run.status).toBe(0);
  });
});

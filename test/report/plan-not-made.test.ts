import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'kcheck-plan-not-made-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Nodes alone: no static pod, kubeadm-config or `kubectl version` output says what the control plane runs.
const nodes = join(dir, 'nodes.yaml');
writeFileSync(nodes, 'apiVersion: v1\nkind: Node\nmetadata:\n  name: node01\nstatus:\n  nodeInfo:\n    kubeletVersion: v1.32.4\n');

describe('a report asked for a plan that cannot be made', () => {
  it.each(['markdown', 'html'])('%s says why there is no plan, instead of leaving it out in silence', (format) => {
    const run = runCli(['scan', nodes, '--target', '1.33', '--now', '2026-11-20T00:00:00Z', '--config', '/dev/null', '--format', format]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/No upgrade plan: no kube-apiserver version known: give the control plane/);
  });
});

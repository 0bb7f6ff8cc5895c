import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'kcheck-cli-'));
const NOW = '--now=2026-11-20T00:00:00Z';

function write(name: string, text: string): string {
  const file = join(tmp, name);
  writeFileSync(file, text);
  return file;
}

const cleanCluster = write('clean.yaml', `
apiVersion: v1
kind: Node
metadata: { name: n1 }
status: { nodeInfo: { kubeletVersion: v1.35.1, kubeProxyVersion: v1.35.1 } }
---
apiVersion: v1
kind: Pod
metadata: { name: kube-apiserver-n1, namespace: kube-system, annotations: { kubernetes.io/config.mirror: x } }
spec: { nodeName: n1, containers: [{ name: kube-apiserver, image: registry.k8s.io/kube-apiserver:v1.35.1 }] }
`);

const skewedCluster = write('skewed.yaml', `
apiVersion: v1
kind: Node
metadata: { name: n1 }
status: { nodeInfo: { kubeletVersion: v1.31.1 } }
---
apiVersion: v1
kind: Pod
metadata: { name: kube-apiserver-n1, namespace: kube-system }
spec: { nodeName: n1, containers: [{ name: kube-apiserver, image: registry.k8s.io/kube-apiserver:v1.35.1 }] }
`);

function noStackTrace(stderr: string): void {
  expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

describe('exit codes', () => {
  it('0 and only the summary when nothing is wrong', () => {
    const run = runCli(['scan', cleanCluster, NOW]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expect(run.stdout).toMatch(/no problems/);
  });

  it('1 when a finding reaches --fail-on, with the finding at its file and line', () => {
    const run = runCli(['scan', skewedCluster, NOW]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(skewedCluster);
    expect(run.stdout).toMatch(/2:1\s+error\s+kubelet v1\.31\.1 on node n1 is 4 minors older than kube-apiserver v1\.35\.1/);
  });

  it('0 when findings are below --fail-on', () => {
    expect(runCli(['scan', skewedCluster, NOW, '--fail-on', 'never']).code).toBe(0);
  });

  it('2 for a path that does not exist, naming it, without a stack trace', () => {
    const run = runCli(['scan', join(tmp, 'nope.yaml'), NOW]);
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toContain('nope.yaml');
    noStackTrace(run.stderr);
  });

  it('2 for a link that leads nowhere, naming it', () => {
    const link = join(tmp, 'dangling.yaml');
    symlinkSync(join(tmp, 'gone.yaml'), link);
    const run = runCli(['scan', link, NOW]);
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toContain('dangling.yaml');
    noStackTrace(run.stderr);
  });

  it('2 for bad flags, with a clear message', () => {
    for (const args of [['scan', cleanCluster, '--now', 'yesterday'], ['scan', cleanCluster, '--target', 'latest'], ['scan', cleanCluster, '--format', 'xml'], ['scan', '--bogus'], ['frobnicate']]) {
      const run = runCli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr.length, args.join(' ')).toBeGreaterThan(0);
      noStackTrace(run.stderr);
    }
  });

  it('2 when there is nothing to scan, suggesting the demo', () => {
    const run = runCli(['scan', '--kubeconfig', join(tmp, 'no-such-kubeconfig')]);
    expect(run.code).toBe(2);
    noStackTrace(run.stderr);
  });

  it('2 for a bad config, naming the field and its line', () => {
    const config = write('bad.kcheck.yaml', 'failOn: error\nrules:\n  kubelet-version-skew: loud\n  no-such-rule: off\n');
    const run = runCli(['scan', cleanCluster, NOW, '--config', config]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${config}:3: rules.kubelet-version-skew: must be one of off, info, warning, error`);
    expect(run.stderr).toContain(`${config}:4: rules.no-such-rule: no rule "no-such-rule"`);
    noStackTrace(run.stderr);
  });

  it('reads manifests from stdin', () => {
    const run = runCli(['scan', '-', NOW, '--format', 'json'], { input: '{"apiVersion":"v1","kind":"Node","metadata":{"name":"n"},"status":{"nodeInfo":{"kubeletVersion":"v1.20.1"}}}' });
    const report = JSON.parse(run.stdout) as { findings: { ruleId: string; location: { file: string } }[] };
    expect(report.findings.map((f) => f.ruleId)).toContain('unsupported-version');
    expect(report.findings[0]!.location.file).toBe('<stdin>');
  });

  it('prints help with examples and the version', () => {
    const help = runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toContain('Exit codes');
    expect(runCli(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

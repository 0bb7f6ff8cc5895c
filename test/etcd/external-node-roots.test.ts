import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { scan } from '../../src/cli/pipeline.js';
import { runCli } from '../helpers/run-cli.js';

/**
 * Node roots laid out like real hosts whose etcd runs under systemd: the
 * files Debian's etcd-server package installs, a hand-written unit with
 * drop-ins, and nodes with no etcd at all (kubeadm's external etcd
 * topology, a masked unit).
 */

const temp = mkdtempSync(join(tmpdir(), 'kcheck-external-roots-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const FIXTURES = 'fixtures/rules/etcd-external';
const APISERVER = 'fixtures/rules/etcd-version-mismatch/fail-stacked-etcd-node-root/etc/kubernetes/manifests/kube-apiserver.yaml';
const NOW = '2026-11-20T00:00:00Z';

function root(name: string, from: string | null, files: Record<string, string> = {}): string {
  const dir = join(temp, name);
  if (from) cpSync(from, dir, { recursive: true, verbatimSymlinks: true });
  mkdirSync(join(dir, 'etc/kubernetes/manifests'), { recursive: true });
  cpSync(APISERVER, join(dir, 'etc/kubernetes/manifests/kube-apiserver.yaml'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const scanRoot = (dir: string, target?: string) => scan({ paths: [], root: dir, now: NOW, config: '/dev/null', ...(target ? { target } : {}) });

const ALL_ETCD_RULES = ['etcd-data-dir-mismatch', 'etcd-restore-not-wired', 'etcd-service-fails-to-start', 'etcd-version-mismatch'];

describe('etcd run by systemd, read from a node root', () => {
  it("Debian's etcd-server package: the data dir from the unit's Environment=, the name from %H, the version from dpkg", async () => {
    const dir = root('debian', `${FIXTURES}/debian-etcd-server`);
    const { model, result } = await scanRoot(dir, '1.34');
    expect(model.etcdServices).toHaveLength(1);
    const [service] = model.etcdServices;
    expect(service).toMatchObject({
      unit: 'etcd.service',
      refused: null,
      startFailure: null,
      argv: ['/usr/bin/etcd'],
      dataDir: { value: '/var/lib/etcd/default', from: 'env', at: { path: '/lib/systemd/system/etcd.service', line: 11 } },
      memberName: { value: 'cp-1', from: 'env' },
    });
    // /etc/default/etcd (read: it exists, every line a comment) is the EnvironmentFile=-/etc/default/%p.
    expect(model.components.filter((c) => c.component === 'etcd').map((c) => [c.raw.split(',')[0], c.version && `${c.version.major}.${c.version.minor}.${c.version.patch}`])).toEqual([
      ['etcd-server 3.4.23-4+b4', '3.4.23'],
    ]);
    expect(result.gaps.filter((g) => g.reason.includes('etcd not found'))).toEqual([]);
    expect(result.findings.filter((f) => f.ruleId === 'etcd-version-mismatch').map((f) => f.severity)).toEqual(['error']);
  });

  it('a hand-written unit with drop-ins in /etc and /usr/lib, an EnvironmentFile and TLS flags', async () => {
    const dir = root('hand-written', `${FIXTURES}/hand-written`);
    const { model, result } = await scanRoot(dir);
    const [service] = model.etcdServices;
    expect(service!.files.map((f) => f.slice(dir.length))).toEqual([
      '/etc/systemd/system/etcd.service',
      '/usr/lib/systemd/system/etcd.service.d/10-limits.conf',
      '/etc/systemd/system/etcd.service.d/20-peer-tls.conf',
    ]);
    expect(service!.dataDir).toMatchObject({ value: '/var/lib/etcd', from: 'env', at: { path: '/etc/etcd/etcd.conf', line: 4 } });
    expect(service!.initialCluster?.value).toBe('infra0=https://10.0.0.11:2380');
    const tls = model.etcdTlsFiles.filter((f) => f.origin === 'systemd-unit');
    expect(tls.map((f) => [f.flag, f.at.path, f.onHost?.kind])).toEqual([
      ['--cert-file', '/etc/etcd/pki/server.crt', 'file'],
      ['--key-file', '/etc/etcd/pki/server.key', 'file'],
      ['--trusted-ca-file', '/etc/etcd/pki/ca.crt', 'file'],
      ['--peer-cert-file', '/etc/etcd/pki/peer.crt', 'file'],
      ['--peer-key-file', '/etc/etcd/pki/peer.key', 'file'],
      ['--peer-trusted-ca-file', '/etc/etcd/pki/ca.crt', 'file'],
    ]);
    // /usr/local/bin/etcd is in no dpkg package: its version is said to be unknown, not guessed.
    expect(result.findings.filter((f) => f.ruleId === 'version-unknown').map((f) => f.message)).toEqual([
      'cannot tell the version of etcd from "/usr/local/bin/etcd (no dpkg package lists it)"; its skew is not checked',
    ]);
  });

  it('no etcd on the node: a gap naming kubeadm\'s external endpoints, the etcd rules skipped with that reason, exit 2', async () => {
    const dir = root('external-topology', null, {
      'etc/kubernetes/kubeadm-config.yaml':
        'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.33.5\netcd:\n  external:\n    endpoints: [https://10.0.0.11:2379, https://10.0.0.12:2379]\n    caFile: /etc/kubernetes/pki/etcd/ca.crt\n    certFile: /etc/kubernetes/pki/apiserver-etcd-client.crt\n    keyFile: /etc/kubernetes/pki/apiserver-etcd-client.key\n',
    });
    const { result, exitCode, model } = await scanRoot(dir, '1.34');
    expect(model.externalEtcd.map((e) => e.endpoints)).toEqual([['https://10.0.0.11:2379', 'https://10.0.0.12:2379']]);
    const gap = result.gaps.find((g) => g.reason.startsWith('etcd not found on this node'));
    expect(gap?.what).toBe(dir);
    expect(gap?.reason).toContain("kubeadm's ClusterConfiguration names an external etcd at https://10.0.0.11:2379, https://10.0.0.12:2379");
    expect(result.skippedRules.filter((s) => ALL_ETCD_RULES.includes(s.ruleId))).toEqual(ALL_ETCD_RULES.map((ruleId) => ({ ruleId, reason: 'etcd not found on this node' })));
    // The kube-apiserver's files for reaching the external etcd are still checked: they are on this node.
    expect(result.skippedRules.map((s) => s.ruleId)).not.toContain('etcd-tls-files-missing');
    expect(result.findings.filter((f) => f.ruleId === 'etcd-tls-files-missing').map((f) => f.message)).toContain(
      `kubeadm's ClusterConfiguration etcd.external.caFile=/etc/kubernetes/pki/etcd/ca.crt does not exist (${dir}/etc/kubernetes/pki/etcd/ca.crt): the kube-apiserver gets it as its --etcd-* file, cannot connect to the external etcd and exits at start`,
    );
    expect(exitCode).toBe(2);
  });

  it('a masked etcd.service is no etcd: the gap says it is masked', async () => {
    const dir = root('masked', `${FIXTURES}/debian-etcd-server`);
    mkdirSync(join(dir, 'etc/systemd/system'), { recursive: true });
    symlinkSync('/dev/null', join(dir, 'etc/systemd/system/etcd.service'));
    const { result } = await scanRoot(dir);
    expect(result.gaps.find((g) => g.reason.startsWith('etcd not found'))?.reason).toContain('etcd.service is masked');
  });

  it('a unit that starts etcd through a shell is a gap of its own, not "not found"', async () => {
    const dir = root('shell', null, {
      'etc/systemd/system/etcd.service': '[Service]\nExecStart=/bin/sh -c "GOMAXPROCS=$(nproc) /usr/bin/etcd $DAEMON_ARGS"\n',
    });
    const { result } = await scanRoot(dir);
    expect(result.gaps.map((g) => g.reason)).toContain('etcd.service starts etcd through sh: kcheck does not run shell commands, so etcd\'s flags there are unknown');
    expect(result.gaps.some((g) => g.reason.startsWith('etcd not found'))).toBe(false);
  });

  it('hostile trees: a FIFO as a unit file and drop-in links that point out of the root', async () => {
    const dir = root('hostile', null, {
      'etc/systemd/system/etcd.service': '[Service]\nExecStart=/usr/bin/etcd --data-dir=/var/lib/etcd\n',
      'etc/other/10-in-root.conf': '[Service]\nEnvironment=ETCD_NAME=inside\n',
    });
    // An absolute link resolves inside the root, as chroot would: /etc/other under the root, not this machine's.
    symlinkSync('/etc/other', join(dir, 'etc/systemd/system/etcd.service.d'));
    execFileSync('mkfifo', [join(dir, 'etc/systemd/system/etcd-fifo.service')]);
    const { model, result } = await scanRoot(dir);
    expect(model.etcdServices.map((s) => [s.unit, s.memberName?.value])).toEqual([['etcd.service', 'inside']]);
    expect(result.gaps.find((g) => g.what.endsWith('etcd-fifo.service'))?.reason).toMatch(/FIFO/);
  });

  it('what systemd ignores with a warning is a parse-error at its line, not dropped', async () => {
    const dir = root('ignored-lines', null, {
      'etc/systemd/system/etcd.service': '[Service]\nEnvironment=ETCD_NAME=a NOT-AN-ASSIGNMENT\nthis line has no equals sign\nExecStart=/usr/bin/etcd\n',
    });
    const { result, model } = await scanRoot(dir);
    expect(model.etcdServices[0]?.memberName?.value).toBe('a');
    expect(result.findings.filter((f) => f.ruleId === 'parse-error').map((f) => [f.location?.line, f.message])).toEqual([
      [2, 'etcd.service: Environment=: "NOT-AN-ASSIGNMENT" is not a NAME=value assignment; systemd ignores it'],
      [3, "etcd.service: missing '=': systemd ignores the line"],
    ]);
  });

  it('the CLI says it in words: etcd not found on this node, the rules skipped, exit 2', () => {
    const dir = root('cli', null);
    const run = runCli(['scan', '--root', dir, '--now', NOW, '--config', '/dev/null', '--target', '1.34']);
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toContain(`incomplete: ${dir}: etcd not found on this node: no etcd static pod in /etc/kubernetes/manifests`);
    const etcdRules = rules.filter((r) => r.needs.includes('etcd')).map((r) => r.id);
    expect(etcdRules).toEqual(ALL_ETCD_RULES);
    expect(run.stdout + run.stderr).toContain(`${etcdRules.length} rules skipped: etcd not found on this node`);
  });
});

import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRoot } from '../../../src/sources/root/index.js';
import { filePosition, fixture, withTempDir } from '../helpers.js';

const CONTROL_PLANE = fixture('root/control-plane');

describe('a control-plane node root (--root)', () => {
  it('reads the static pod manifests and marks them as such', async () => {
    const inputs = await readRoot(CONTROL_PLANE);
    const pods = inputs.objects.filter((o) => o.origin === 'static-pod-manifest');
    expect(pods.map((o) => [o.object.kind, o.object.metadata?.name])).toEqual([
      ['Pod', 'etcd'],
      ['Pod', 'kube-apiserver'],
      ['Pod', 'kube-controller-manager'],
      ['Pod', 'kube-scheduler'],
    ]);
    expect(filePosition(pods[1]!.provenance)).toEqual({
      file: join(CONTROL_PLANE, 'etc/kubernetes/manifests/kube-apiserver.yaml'),
      line: 1,
      column: 1,
    });
    expect(inputs.gaps).toEqual([]);
    expect(inputs.problems).toEqual([]);
  });

  it('reads the kubeadm configuration file, every document of it, and not the kubelet config', async () => {
    const inputs = await readRoot(CONTROL_PLANE);
    const kubeadm = inputs.objects.filter((o) => o.origin === 'kubeadm-config');
    expect(kubeadm.map((o) => [o.object.apiVersion, o.object.kind])).toEqual([
      ['kubeadm.k8s.io/v1beta3', 'InitConfiguration'],
      ['kubeadm.k8s.io/v1beta3', 'ClusterConfiguration'],
    ]);
    expect(kubeadm[1]!.object.kubernetesVersion).toBe('v1.30.2');
    expect(filePosition(kubeadm[1]!.provenance).line).toBe(7);
    expect(inputs.objects.some((o) => o.object.kind === 'KubeletConfiguration')).toBe(false);
    expect(inputs.objects).toHaveLength(6);
  });

  it('names files after the root as given, so --root / gives /etc/kubernetes/...', async () => {
    await withTempDir(async (dir) => {
      await cp(CONTROL_PLANE, join(dir, 'node'), { recursive: true });
      const inputs = await readRoot(join(dir, 'node') + '/');
      expect(inputs.scanned[0]).toBe(join(dir, 'node', 'etc/kubernetes/manifests/etcd.yaml'));
    });
  });

  it('reads every file in the manifests folder as the kubelet does, but not hidden files or subfolders', async () => {
    await withTempDir(async (dir) => {
      await cp(CONTROL_PLANE, dir, { recursive: true });
      const manifests = join(dir, 'etc/kubernetes/manifests');
      await writeFile(join(manifests, 'kube-apiserver.yaml.bak'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\n');
      await mkdir(join(manifests, 'old'));
      await writeFile(join(manifests, 'old', 'etcd.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: old-etcd\n');
      const inputs = await readRoot(dir);
      const files = inputs.objects.filter((o) => o.origin === 'static-pod-manifest').map((o) => filePosition(o.provenance).file);
      expect(files).toContain(join(manifests, 'kube-apiserver.yaml.bak'));
      expect(files.some((f) => f.includes('/old/') || f.includes('.swp'))).toBe(false);
      expect(inputs.skipped).toEqual([]);
    });
  });

  it('makes a root without /etc/kubernetes/manifests a scan gap that says what is wrong', async () => {
    await withTempDir(async (dir) => {
      const inputs = await readRoot(dir);
      expect(inputs.gaps).toEqual([
        {
          what: join(dir, 'etc/kubernetes/manifests'),
          reason: `no /etc/kubernetes/manifests under ${dir}: is this a control-plane node's root?`,
          affects: ['controlPlane'],
        },
      ]);
    });
  });

  it("makes an empty manifests folder (a worker's root) a scan gap", async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, 'etc/kubernetes/manifests'), { recursive: true });
      const inputs = await readRoot(dir);
      expect(inputs.gaps.map((g) => g.reason)).toEqual([
        `no static pod manifests in ${join(dir, 'etc/kubernetes/manifests')}: is this a control-plane node's root, or a worker's?`,
      ]);
    });
  });

  it('makes a missing root a scan gap', async () => {
    const inputs = await readRoot('/no/such/root');
    expect(inputs.gaps).toEqual([
      { what: '/no/such/root', reason: 'cannot read --root: no such file or directory', affects: ['controlPlane', 'host'] },
    ]);
  });

  it('reports a malformed static pod manifest at its line and reads the rest', async () => {
    await withTempDir(async (dir) => {
      await cp(CONTROL_PLANE, dir, { recursive: true });
      await writeFile(join(dir, 'etc/kubernetes/manifests/kube-scheduler.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: [kube-scheduler\n');
      const inputs = await readRoot(dir);
      expect(inputs.objects.filter((o) => o.origin === 'static-pod-manifest')).toHaveLength(3);
      expect(inputs.problems.map((p) => [p.provenance.file, p.provenance.line >= 4])).toEqual([
        [join(dir, 'etc/kubernetes/manifests/kube-scheduler.yaml'), true],
      ]);
    });
  });
});

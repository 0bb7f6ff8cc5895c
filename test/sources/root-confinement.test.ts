import { copyFile, cp, mkdir, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCertificates } from '../../src/sources/host/certificates.js';
import { readEtcdDataDirs } from '../../src/sources/host/data-dirs.js';
import { readHostFiles } from '../../src/sources/host/files.js';
import { HOST_FILE_MAX_BYTES } from '../../src/sources/open-file.js';
import { readRoot } from '../../src/sources/root/index.js';
import { NodeRoot } from '../../src/sources/root/node-root.js';
import { MAX_SYMLINKS, resolveInRoot } from '../../src/sources/root/resolve.js';
import type { ScanGap } from '../../src/sources/types.js';
import { gapsOf, kcheck, mkfifo, canMakeDevices, mknodZero, noStackTrace } from './file-cli.js';
import { fixture, withTempDir } from './helpers.js';

const CONTROL_PLANE = fixture('root/control-plane');
const PEMS = new URL('../../fixtures/rules/etcd-tls-files-missing/fail-apiserver-etcd-client-missing/etc/kubernetes/pki/', import.meta.url).pathname;
/** Two certificates told apart by subject. */
const INSIDE_PEM = join(PEMS, 'etcd/ca.crt');
const INSIDE_SUBJECT = 'CN=etcd-ca';
const OUTSIDE_PEM = join(PEMS, 'apiserver-kubelet-client.crt');

async function place(path: string, from: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await copyFile(from, path);
}

async function link(path: string, target: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await symlink(target, path);
}

async function certificatesUnder(root: string): Promise<{ subjects: string[]; files: string[]; gaps: ScanGap[] }> {
  const sink = { gaps: [] as ScanGap[], problems: [] };
  const { certificates } = await readCertificates(new NodeRoot(root), sink);
  return { subjects: certificates.map((c) => c.subject), files: certificates.map((c) => c.file), gaps: sink.gaps };
}

describe('resolveInRoot: every path under --root resolves inside it', () => {
  it('takes an absolute link target from the root, as chroot does', async () => {
    await withTempDir(async (root) => {
      await place(join(root, 'etc/ssl/certs/ca.pem'), INSIDE_PEM);
      await link(join(root, 'etc/kubernetes/pki/ca.crt'), '/etc/ssl/certs/ca.pem');
      const found = await resolveInRoot(root, '/etc/kubernetes/pki/ca.crt');
      expect(found.nodePath).toBe('/etc/ssl/certs/ca.pem');
      expect(found.disk).toBe(join(root, 'etc/ssl/certs/ca.pem'));
      expect(found.info.isFile()).toBe(true);
    });
  });

  it('stops `..` at the root: ../../../../etc/passwd is the root\'s /etc/passwd', async () => {
    await withTempDir(async (root) => {
      await link(join(root, 'etc/kubernetes/pki/ca.crt'), '../../../../../../../../etc/passwd');
      await expect(resolveInRoot(root, '/etc/kubernetes/pki/ca.crt')).rejects.toMatchObject({ code: 'ENOENT' });
      await writeFile(join(root, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\n');
      expect((await resolveInRoot(root, '/etc/kubernetes/pki/ca.crt')).disk).toBe(join(root, 'etc/passwd'));
      expect((await resolveInRoot(root, '/../../etc/./passwd')).disk).toBe(join(root, 'etc/passwd'));
    });
  });

  it('resolves a link to / to the root itself', async () => {
    await withTempDir(async (root) => {
      await link(join(root, 'etc/kubernetes/pki'), '/');
      const found = await resolveInRoot(root, '/etc/kubernetes/pki');
      expect(found).toMatchObject({ nodePath: '/', disk: root });
      expect((await resolveInRoot(root, '/etc/kubernetes/pki/etc/kubernetes/pki/etc')).disk).toBe(join(root, 'etc'));
    });
  });

  it(`fails with ELOOP on a link loop and after ${MAX_SYMLINKS} links, as Linux does`, async () => {
    await withTempDir(async (root) => {
      await link(join(root, 'a'), 'b');
      await link(join(root, 'b'), '/a');
      await expect(resolveInRoot(root, '/a')).rejects.toMatchObject({ code: 'ELOOP' });
      await writeFile(join(root, 'end'), '');
      for (let i = 0; i < MAX_SYMLINKS + 1; i++) await symlink(i === 0 ? 'end' : `l${i - 1}`, join(root, `l${i}`));
      expect((await resolveInRoot(root, `/l${MAX_SYMLINKS - 1}`)).disk).toBe(join(root, 'end'));
      await expect(resolveInRoot(root, `/l${MAX_SYMLINKS}`)).rejects.toMatchObject({ code: 'ELOOP' });
    });
  });

  it('fails with ENOTDIR when a file is used as a folder', async () => {
    await withTempDir(async (root) => {
      await writeFile(join(root, 'file'), '');
      await expect(resolveInRoot(root, '/file/x')).rejects.toMatchObject({ code: 'ENOTDIR' });
    });
  });
});

describe('the host readers under --root', () => {
  it('reads an absolute certificate link inside the root, not the host file of that name', async () => {
    await withTempDir(async (dir) => {
      const root = join(dir, 'node');
      const hostPath = join(dir, 'host-ssl', 'ca.pem');
      await place(hostPath, OUTSIDE_PEM);
      await place(join(root, hostPath), INSIDE_PEM);
      await link(join(root, 'etc/kubernetes/pki/ca.crt'), hostPath);
      const read = await certificatesUnder(root);
      expect(read.subjects).toEqual([INSIDE_SUBJECT]);
      expect(read.files).toEqual([join(root, 'etc/kubernetes/pki/ca.crt')]);
      expect(read.gaps).toEqual([]);
    });
  });

  it('never climbs out of the root with ../ (a link to ../../../../etc/passwd)', async () => {
    await withTempDir(async (dir) => {
      const root = join(dir, 'a', 'b', 'node');
      await place(join(dir, 'outside.pem'), OUTSIDE_PEM);
      await link(join(root, 'etc/kubernetes/pki/front-proxy-ca.crt'), '../../../../../outside.pem');
      await link(join(root, 'etc/kubernetes/pki/ca.crt'), '../../../../../../../../../../etc/passwd');
      await place(join(root, 'outside.pem'), INSIDE_PEM);
      const read = await certificatesUnder(root);
      expect(read.subjects).toEqual([INSIDE_SUBJECT]);
      expect(read.gaps).toEqual([{ what: join(root, 'etc/kubernetes/pki/ca.crt'), reason: 'cannot read: no such file or directory', affects: ['certificates'] }]);
    });
  });

  it('walks a `pki -> /` link inside the root only, each folder once', async () => {
    await withTempDir(async (dir) => {
      const root = join(dir, 'node');
      await place(join(root, 'etc/ssl/in-root.crt'), INSIDE_PEM);
      await link(join(root, 'etc/kubernetes/pki'), '/');
      const read = await certificatesUnder(root);
      expect(read.subjects).toEqual([INSIDE_SUBJECT]);
      expect(read.files.every((f) => f.startsWith(`${root}/`))).toBe(true);
      expect(read.gaps).toEqual([]);
    });
  });

  it('walks `pki -> /` when --root itself is given as a link', async () => {
    await withTempDir(async (dir) => {
      const root = join(dir, 'node');
      await place(join(root, 'etc/ssl/in-root.crt'), INSIDE_PEM);
      await link(join(root, 'etc/kubernetes/pki'), '/');
      await symlink(root, join(dir, 'node-link'));
      const read = await certificatesUnder(join(dir, 'node-link'));
      expect(read.subjects).toEqual([INSIDE_SUBJECT]);
      expect(read.gaps).toEqual([]);
    });
  });

  it('walks a folder that links back into itself once (pki/loop -> .)', async () => {
    await withTempDir(async (root) => {
      await place(join(root, 'etc/kubernetes/pki/ca.crt'), INSIDE_PEM);
      await link(join(root, 'etc/kubernetes/pki/loop'), '.');
      await link(join(root, 'etc/kubernetes/pki/etcd'), '/etc/kubernetes');
      const read = await certificatesUnder(root);
      expect(read.files).toEqual([join(root, 'etc/kubernetes/pki/ca.crt')]);
      expect(read.gaps).toEqual([]);
    });
  });

  it('names a link loop in the PKI folder as unreadable', async () => {
    await withTempDir(async (root) => {
      await link(join(root, 'etc/kubernetes/pki/a.crt'), 'b.crt');
      await link(join(root, 'etc/kubernetes/pki/b.crt'), 'a.crt');
      const read = await certificatesUnder(root);
      expect(read.gaps.map((g) => [g.what, g.reason])).toEqual([
        [join(root, 'etc/kubernetes/pki/a.crt'), 'cannot read: too many levels of symbolic links'],
        [join(root, 'etc/kubernetes/pki/b.crt'), 'cannot read: too many levels of symbolic links'],
      ]);
    });
  });

  it('names a certificate that is a FIFO as unreadable instead of skipping it (and never waits on it)', async () => {
    await withTempDir(async (root) => {
      await place(join(root, 'etc/kubernetes/pki/ca.crt'), INSIDE_PEM);
      mkfifo(join(root, 'etc/kubernetes/pki/apiserver.crt'));
      mkfifo(join(root, 'etc/kubernetes/admin.conf'));
      const read = await certificatesUnder(root);
      expect(read.subjects).toEqual([INSIDE_SUBJECT]);
      expect(read.gaps).toEqual([
        { what: join(root, 'etc/kubernetes/pki/apiserver.crt'), reason: 'cannot read: is a FIFO (named pipe), not a regular file', affects: ['certificates'] },
        { what: join(root, 'etc/kubernetes/admin.conf'), reason: 'cannot read: is a FIFO (named pipe), not a regular file', affects: ['certificates'] },
      ]);
    });
  });

  it.runIf(canMakeDevices)('names a certificate that is a device like /dev/zero as unreadable', async () => {
    await withTempDir(async (root) => {
      await mkdir(join(root, 'etc/kubernetes/pki'), { recursive: true });
      expect(mknodZero(join(root, 'etc/kubernetes/pki/ca.crt'))).toBe(true);
      const read = await certificatesUnder(root);
      expect(read.gaps).toEqual([
        { what: join(root, 'etc/kubernetes/pki/ca.crt'), reason: 'cannot read: is a character device, not a regular file', affects: ['certificates'] },
      ]);
    });
  });

  it('names a certificate over the size limit (a sparse file) as unreadable', async () => {
    await withTempDir(async (root) => {
      await place(join(root, 'etc/kubernetes/pki/ca.crt'), INSIDE_PEM);
      await truncate(join(root, 'etc/kubernetes/pki/ca.crt'), HOST_FILE_MAX_BYTES + 1);
      const read = await certificatesUnder(root);
      expect(read.gaps).toEqual([
        {
          what: join(root, 'etc/kubernetes/pki/ca.crt'),
          reason: `cannot read: is 16 MiB (${HOST_FILE_MAX_BYTES + 1} bytes), over the 16 MiB limit for a certificate file`,
          affects: ['certificates'],
        },
      ]);
    });
  });

  it('names an etcd database that is a FIFO as unreadable', async () => {
    await withTempDir(async (root) => {
      await mkdir(join(root, 'var/lib/etcd/member/snap'), { recursive: true });
      mkfifo(join(root, 'var/lib/etcd/member/snap/db'));
      const gaps: ScanGap[] = [];
      const [dir] = await readEtcdDataDirs(new NodeRoot(root), ['/var/lib/etcd'], gaps);
      expect(dir).toMatchObject({ path: '/var/lib/etcd', exists: true });
      expect(gaps).toEqual([
        { what: join(root, 'var/lib/etcd/member/snap/db'), reason: "etcd's database cannot be read: is a FIFO (named pipe), not a regular file", affects: ['host'] },
      ]);
    });
  });

  it('checks a TLS file a flag names through links inside the root', async () => {
    await withTempDir(async (dir) => {
      const root = join(dir, 'node');
      await place(join(dir, 'host-only.crt'), OUTSIDE_PEM);
      await link(join(root, 'etc/kubernetes/pki/etcd/server.crt'), join(dir, 'host-only.crt'));
      const files = await readHostFiles(new NodeRoot(root), ['/etc/kubernetes/pki/etcd/server.crt'], []);
      expect(files).toEqual([{ path: '/etc/kubernetes/pki/etcd/server.crt', file: join(root, 'etc/kubernetes/pki/etcd/server.crt'), kind: 'missing' }]);
    });
  });
});

describe('static pod manifests under --root', () => {
  it('names an etcd.yaml that is a FIFO as unreadable instead of skipping it', async () => {
    await withTempDir(async (root) => {
      await cp(CONTROL_PLANE, root, { recursive: true });
      const etcd = join(root, 'etc/kubernetes/manifests/etcd.yaml');
      await rm(etcd);
      mkfifo(etcd);
      const inputs = await readRoot(root);
      expect(inputs.objects.filter((o) => o.origin === 'static-pod-manifest').map((o) => o.object.metadata?.name)).toEqual([
        'kube-apiserver',
        'kube-controller-manager',
        'kube-scheduler',
      ]);
      expect(inputs.gaps).toEqual([{ what: etcd, reason: 'cannot read: is a FIFO (named pipe), not a regular file', affects: ['controlPlane'] }]);
    });
  });

  it('reads a manifest linked with an absolute path from inside the root', async () => {
    await withTempDir(async (dir) => {
      const root = join(dir, 'node');
      await cp(CONTROL_PLANE, root, { recursive: true });
      const manifests = join(root, 'etc/kubernetes/manifests');
      const outside = join(dir, 'elsewhere/etcd.yaml');
      await mkdir(dirname(outside), { recursive: true });
      await writeFile(outside, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: etcd-from-outside\n  namespace: kube-system\n');
      await mkdir(join(root, dirname(outside)), { recursive: true });
      await copyFile(join(manifests, 'etcd.yaml'), join(root, outside));
      await rm(join(manifests, 'etcd.yaml'));
      await symlink(outside, join(manifests, 'etcd.yaml'));
      const inputs = await readRoot(root);
      const names = inputs.objects.filter((o) => o.origin === 'static-pod-manifest').map((o) => o.object.metadata?.name);
      expect(names).toContain('etcd');
      expect(names).not.toContain('etcd-from-outside');
      expect(inputs.gaps).toEqual([]);
    });
  });
});

describe('kcheck scan --root end to end', () => {
  it('exits 2 naming a FIFO etcd.yaml and a FIFO certificate, and does not hang on them', async () => {
    await withTempDir(async (root) => {
      await cp(CONTROL_PLANE, root, { recursive: true });
      await rm(join(root, 'etc/kubernetes/manifests/etcd.yaml'));
      mkfifo(join(root, 'etc/kubernetes/manifests/etcd.yaml'));
      await mkdir(join(root, 'etc/kubernetes/pki'), { recursive: true });
      mkfifo(join(root, 'etc/kubernetes/pki/ca.crt'));
      const run = await kcheck(['scan', '--root', root, '--format', 'json', '--config', '/dev/null', '--now', '2026-11-20T00:00:00Z'], { stopAfterMs: 60_000 });
      expect(run.code).toBe(2);
      noStackTrace(run.stderr);
      expect(gapsOf(run)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ what: join(root, 'etc/kubernetes/manifests/etcd.yaml'), reason: 'cannot read: is a FIFO (named pipe), not a regular file' }),
          expect.objectContaining({ what: join(root, 'etc/kubernetes/pki/ca.crt'), reason: 'cannot read: is a FIFO (named pipe), not a regular file' }),
        ]),
      );
    });
  });

  it('stays inside the root when its PKI folder links to /', async () => {
    await withTempDir(async (dir) => {
      const root = join(dir, 'node');
      await cp(CONTROL_PLANE, root, { recursive: true });
      await link(join(root, 'etc/kubernetes/pki'), '/');
      await place(join(root, 'etc/ssl/in-root.crt'), INSIDE_PEM);
      // Long after the certificate's notAfter, so the one certificate found is a finding.
      const run = await kcheck(['scan', '--root', root, '--format', 'json', '--config', '/dev/null', '--now', '2040-01-01T00:00:00Z'], { stopAfterMs: 60_000 });
      noStackTrace(run.stderr);
      expect(run.code).toBe(1);
      expect(gapsOf(run)).toEqual([]);
      const report = JSON.parse(run.stdout) as { findings: { ruleId: string; object: { name: string }; location: { file: string } | null }[] };
      expect(report.findings.filter((f) => f.ruleId === 'certificate-expiry').map((f) => [f.object.name, f.location?.file])).toEqual([
        ['/etc/kubernetes/pki/etc/ssl/in-root.crt', join(root, 'etc/kubernetes/pki/etc/ssl/in-root.crt')],
      ]);
      expect(report.findings.filter((f) => f.location && !f.location.file.startsWith(`${root}/`))).toEqual([]);
    });
  });
});

import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan, type Scan } from '../../src/cli/pipeline.js';
import { TestEtcd } from '../snapshot/etcd-harness.js';
import { restore, WIRINGS, writeManifests, type EtcdWiring } from './node-layout.js';
import { dateRestore } from './restore-layout.js';
import { makeKubeadmPki, type PkiOptions } from './pki.js';

const NOW = '2026-11-20T09:00:00Z';
const OLD_DATA = new Date('2026-03-02T10:00:00Z');
const RESTORED = new Date('2026-11-19T22:15:00Z');
const proto = (s: string) => Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.from(s)]);

/** Rules this suite is about; other rules' findings in the same scan are not looked at. */
const MINE = ['certificate-expiry', 'etcd-data-dir-mismatch', 'etcd-restore-not-wired', 'etcd-tls-files-missing'];

let work: string;
let etcd: TestEtcd;
let snapshot: string;
let snapshotRevision: number;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'kcheck-node-roots-'));
  etcd = await TestEtcd.start();
  for (const ns of ['default', 'kube-system', 'shop']) await etcd.put(`/registry/namespaces/${ns}`, proto(ns));
  await etcd.put('/registry/minions/node01', proto('node01'));
  snapshotRevision = await etcd.put('/registry/pods/shop/web-1', proto('web-1'));
  snapshot = join(work, 'etcd-snapshot.db');
  await etcd.snapshot(snapshot);
});

afterAll(async () => {
  await etcd?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Layout {
  wiring: EtcdWiring;
  /** Data dirs made by a real `etcdctl snapshot restore`, dated (raft snapshot file and WAL) as made then. */
  restored?: Record<string, Date>;
  /** Data dirs that exist but hold nothing. */
  empty?: string[];
  pki?: PkiOptions;
}

let roots = 0;
async function nodeRoot(layout: Layout): Promise<string> {
  const root = join(work, `root-${(roots += 1)}`);
  writeManifests(root, layout.wiring);
  for (const [dir, created] of Object.entries(layout.restored ?? {})) {
    await restore(snapshot, join(root, dir), true);
    dateRestore(root, dir, created);
  }
  for (const dir of layout.empty ?? []) mkdirSync(join(root, dir), { recursive: true });
  makeKubeadmPki(root, layout.pki ?? {});
  return root;
}

async function scanRoot(root: string, extra: { backups?: string[]; config?: string } = {}): Promise<Scan> {
  return scan({ paths: [], root, now: NOW, config: extra.config ?? '/dev/null', ...(extra.backups ? { backups: extra.backups } : {}) });
}

function findings(result: Scan, rules = MINE): { rule: string; message: string; severity: string }[] {
  return result.result.findings
    .filter((f) => rules.includes(f.ruleId))
    .map((f) => ({ rule: f.ruleId, message: f.message, severity: f.severity }));
}

describe('etcd.yaml wirings on a node root restored by etcdctl', () => {
  it('kubeadm\'s own wiring, data restored in /var/lib/etcd: nothing to report', async () => {
    const result = await scanRoot(await nodeRoot({ wiring: WIRINGS.kubeadmDefault, restored: { 'var/lib/etcd': OLD_DATA } }));
    expect(result.result.gaps).toEqual([]);
    expect(findings(result)).toEqual([]);
    expect(result.model.etcd[0]!.data.hostPath).toBe('/var/lib/etcd');
    expect(result.model.etcd[0]!.hostData!.inUse!.inspected!.etcd!.revision).toBe(snapshotRevision);
  });

  it('the documented restore (only hostPath.path changed) uses the restored directory; an older restore beside it is a leftover', async () => {
    const root = await nodeRoot({ wiring: WIRINGS.documentedRestore, restored: { 'var/lib/etcd': OLD_DATA, 'var/lib/etcd-from-backup': RESTORED } });
    const result = await scanRoot(root);
    expect(findings(result)).toEqual([{
      rule: 'etcd-restore-not-wired',
      severity: 'info',
      message:
        '/var/lib/etcd (found beside /var/lib/etcd-from-backup, which etcd.yaml names) is a leftover etcd restore, older than the restore etcd uses ' +
        '(made 2026-11-19T22:15:00Z) (2026-03-02T10:00:00Z, by its snap file); etcd does not use it: remove or archive it',
    }]);
    expect(result.model.etcd[0]!.data.hostPath).toBe('/var/lib/etcd-from-backup');
    expect(result.model.etcd[0]!.hostData!.restored.map((d) => d.path)).toEqual(['/var/lib/etcd']);
  });

  it('only --data-dir changed: no mount holds it, etcd uses no host directory', async () => {
    const root = await nodeRoot({ wiring: WIRINGS.onlyDataDirChanged, restored: { 'var/lib/etcd': OLD_DATA, 'var/lib/etcd-from-backup': RESTORED } });
    expect(findings(await scanRoot(root))).toEqual([{
      rule: 'etcd-data-dir-mismatch',
      severity: 'error',
      message: expect.stringMatching(/^--data-dir=\/var\/lib\/etcd-from-backup is not under any volume mount .*mounted at \/var\/lib\/etcd\).*uses no host directory$/),
    }]);
  });

  it('the mount moved but not the flag', async () => {
    const root = await nodeRoot({ wiring: WIRINGS.mountChangedNotFlag, restored: { 'var/lib/etcd-from-backup': RESTORED } });
    const found = findings(await scanRoot(root));
    expect(found.map((f) => f.rule)).toEqual(['etcd-data-dir-mismatch']);
    expect(found[0]!.message).toContain('--data-dir=/var/lib/etcd is not under any volume mount of the etcd container (the etcd-data volume is mounted at /var/lib/etcd-from-backup)');
  });

  it('hostPath points at a directory without member/snap/db: etcd would start an empty cluster', async () => {
    const root = await nodeRoot({ wiring: WIRINGS.documentedRestore, empty: ['var/lib/etcd-from-backup'], restored: { 'var/lib/etcd-restore': RESTORED } });
    expect(findings(await scanRoot(root))).toEqual([{
      rule: 'etcd-restore-not-wired',
      severity: 'error',
      message:
        'the host directory etcd uses, /var/lib/etcd-from-backup (hostPath.path of the etcd-data volume), holds no member/snap/db: ' +
        'etcd starts a new, empty cluster in it; etcd data is in /var/lib/etcd-restore: point etcd-data\'s hostPath.path there',
    }]);
  });

  it('hostPath points at a directory that does not exist', async () => {
    const root = await nodeRoot({ wiring: WIRINGS.documentedRestore, restored: { 'var/lib/etcd': OLD_DATA } });
    const found = findings(await scanRoot(root));
    expect(found.map((f) => f.rule)).toEqual(['etcd-restore-not-wired']);
    expect(found[0]!.message).toMatch(/^the host directory etcd uses, \/var\/lib\/etcd-from-backup .* does not exist on the node: the kubelet creates it empty/);
  });

  it('a read-only etcd-data mount, naming the host directory', async () => {
    const root = await nodeRoot({ wiring: WIRINGS.readOnlyMount, restored: { 'var/lib/etcd': OLD_DATA } });
    const found = findings(await scanRoot(root));
    expect(found.map((f) => f.rule)).toEqual(['etcd-data-dir-mismatch']);
    expect(found[0]!.message).toContain('is readOnly: etcd cannot open its database in the host directory /var/lib/etcd for writing');
  });

  it('a restore newer than the one etcd uses, beside it: the restore was never wired in', async () => {
    const root = await nodeRoot({ wiring: WIRINGS.kubeadmDefault, restored: { 'var/lib/etcd': OLD_DATA, 'var/lib/etcd-from-backup': RESTORED } });
    expect(findings(await scanRoot(root))).toEqual([{
      rule: 'etcd-restore-not-wired',
      severity: 'error',
      message: expect.stringMatching(new RegExp(
        '^/var/lib/etcd-from-backup \\(found beside /var/lib/etcd, which etcd.yaml names\\) holds an etcd restore made 2026-11-19T22:15:00Z, by its snap file ' +
        '\\(cluster [0-9a-f]+, member [0-9a-f]+\\) that etcd does not use: etcd serves the data in /var/lib/etcd \\(cluster [0-9a-f]+, member [0-9a-f]+\\)')),
    }]);
  });

  it('a restore older than the one etcd uses is an info: a leftover', async () => {
    const root = await nodeRoot({ wiring: WIRINGS.kubeadmDefault, restored: { 'var/lib/etcd': RESTORED, 'var/lib/etcd-from-backup': OLD_DATA } });
    expect(findings(await scanRoot(root)).map((f) => f.severity)).toEqual(['info']);
  });
});

describe('certificates and TLS files of a kubeadm pki made with openssl', () => {
  it('names every certificate as kubeadm certs check-expiration does, and stays quiet when all are valid', async () => {
    const result = await scanRoot(await nodeRoot({ wiring: WIRINGS.kubeadmDefault, restored: { 'var/lib/etcd': OLD_DATA } }));
    expect(result.model.certificates!.list.map((c) => c.name).sort()).toEqual([
      'admin.conf', 'apiserver', 'apiserver-etcd-client', 'apiserver-kubelet-client', 'ca', 'controller-manager.conf',
      'etcd-ca', 'etcd-healthcheck-client', 'etcd-peer', 'etcd-server', 'front-proxy-ca', 'front-proxy-client',
      'scheduler.conf', 'super-admin.conf',
    ]);
    expect(result.model.certificates!.list.filter((c) => c.authority).map((c) => c.name).sort()).toEqual(['ca', 'etcd-ca', 'front-proxy-ca']);
    expect(findings(result)).toEqual([]);
  });

  it('reports expired, not yet valid and expiring certificates, with kubeadm\'s renew command', async () => {
    const root = await nodeRoot({
      wiring: WIRINGS.kubeadmDefault,
      restored: { 'var/lib/etcd': OLD_DATA },
      pki: {
        validity: {
          apiserver: { notBefore: '2025-11-01T00:00:00Z', notAfter: '2026-11-01T00:00:00Z' },
          'etcd-server': { notBefore: '2026-12-01T00:00:00Z', notAfter: '2027-12-01T00:00:00Z' },
          'scheduler.conf': { notBefore: '2025-12-10T00:00:00Z', notAfter: '2026-12-10T00:00:00Z' },
          'front-proxy-ca': { notBefore: '2016-11-10T00:00:00Z', notAfter: '2026-11-10T00:00:00Z' },
        },
      },
    });
    const result = await scanRoot(root);
    const byName = new Map(result.result.findings.filter((f) => f.ruleId === 'certificate-expiry').map((f) => [f.object!.name, f]));
    expect([...byName.keys()].sort()).toEqual(['apiserver', 'etcd-server', 'front-proxy-ca', 'scheduler.conf']);
    expect(byName.get('apiserver')!.severity).toBe('error');
    expect(byName.get('apiserver')!.message).toBe(
      'apiserver (/etc/kubernetes/pki/apiserver.crt) expired 19 days before the capture time (2026-11-01T00:00:00Z): ' +
      'TLS connections that use it fail with "x509: certificate has expired or is not yet valid"',
    );
    expect(byName.get('apiserver')!.remediation).toContain('sudo kubeadm certs renew apiserver\nsudo mv /etc/kubernetes/manifests/kube-apiserver.yaml /tmp/');
    expect(byName.get('etcd-server')!.severity).toBe('error');
    expect(byName.get('etcd-server')!.message).toMatch(/^etcd-server \(\/etc\/kubernetes\/pki\/etcd\/server\.crt\) is not valid until 2026-12-01T00:00:00Z/);
    expect(byName.get('etcd-server')!.remediation).toContain('/etc/kubernetes/manifests/etcd.yaml');
    expect(byName.get('scheduler.conf')!.severity).toBe('warning');
    expect(byName.get('scheduler.conf')!.message).toBe('scheduler.conf (/etc/kubernetes/scheduler.conf) expires in 19 days (2026-12-10T00:00:00Z): renew it before then');
    expect(byName.get('scheduler.conf')!.location!.file).toBe(join(root, 'etc/kubernetes/scheduler.conf'));
    expect(byName.get('front-proxy-ca')!.remediation).toContain('kubeadm certs renew cannot renew a CA');
  });

  it('reports a missing etcd key and the apiserver\'s missing etcd client certificate', async () => {
    const root = await nodeRoot({
      wiring: WIRINGS.kubeadmDefault,
      restored: { 'var/lib/etcd': OLD_DATA },
      pki: { omit: ['etcd/peer.key', 'apiserver-etcd-client.crt'] },
    });
    const found = findings(await scanRoot(root), ['etcd-tls-files-missing']).map((f) => f.message);
    expect(found).toEqual([
      `etcd --peer-key-file=/etc/kubernetes/pki/etcd/peer.key does not exist (${join(root, 'etc/kubernetes/pki/etcd/peer.key')}): etcd exits at start and the whole control plane stops with it`,
      `kube-apiserver --etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt does not exist (${join(root, 'etc/kubernetes/pki/apiserver-etcd-client.crt')}): the kube-apiserver cannot connect to etcd and exits at start`,
    ]);
  });
});

describe('backup age on a node where etcd is running', () => {
  it('reads the data dir of a running etcd without waiting, and sees how far the newest snapshot is behind it', async () => {
    const root = join(work, 'live-root');
    writeManifests(root, WIRINGS.kubeadmDefault);
    makeKubeadmPki(root);
    const live = await TestEtcd.start({ dataDir: join(root, 'var/lib/etcd') });
    try {
      for (const ns of ['default', 'shop']) await live.put(`/registry/namespaces/${ns}`, proto(ns));
      const backups = join(root, 'backups');
      mkdirSync(backups);
      await live.snapshot(join(backups, 'etcd-snapshot-2026-11-20T0800Z.db'));
      for (let i = 0; i < 60; i++) await live.put('/registry/leases/kube-node-lease/node01', proto(`renew ${i}`));
      // etcd commits its backend every 100 ms (--backend-batch-interval): make the last writes reach the file now.
      await live.commit();
      const config = join(work, 'behind.yaml');
      writeFileSync(config, 'rules:\n  etcd-backup-stale:\n    options:\n      maxRevisionsBehind: 50\n');
      const started = Date.now();
      const result = await scanRoot(root, { backups: [backups], config });
      expect(Date.now() - started).toBeLessThan(10_000);
      const stale = findings(result, ['etcd-backup-stale']);
      expect(stale).toEqual([{
        rule: 'etcd-backup-stale',
        severity: 'warning',
        message: expect.stringMatching(/looks 1 hour old \(2026-11-20T08:00:00Z, by its file name\) but is at revision 3, 60 revisions behind etcd's data in \/var\/lib\/etcd \(maxRevisionsBehind 50\)/),
      }]);
      // With the default of 100000 revisions, an hour-old snapshot is fresh.
      expect(findings(await scanRoot(root, { backups: [backups] }), ['etcd-backup-stale'])).toEqual([]);
    } finally {
      await live.cleanup();
    }
  });

  it.each([
    ['2026-11-20T01:00:00Z', []],
    ['2026-11-17T09:00:00Z', ['warning']],
    ['2026-11-12T09:00:00Z', ['error']],
  ])('judges a snapshot without a time in its name by its file time (%s)', async (mtime, severities) => {
    const backups = join(work, `by-mtime-${mtime.slice(0, 10)}`);
    mkdirSync(backups);
    const file = join(backups, 'etcd.db');
    await etcd.snapshot(file);
    utimesSync(file, new Date(mtime), new Date(mtime));
    const result = await scan({ paths: [], backups: [backups], now: NOW, config: '/dev/null' });
    expect(findings(result, ['etcd-backup-stale']).map((f) => f.severity)).toEqual(severities);
  });
});

/**
 * Writes the node-root and backup fixtures of the etcd and certificate rules
 * (fixtures/rules/<id>/...) and the demo's backups, pki and etcd data, from a
 * real etcd 3.4 (Debian etcd-server), `etcdctl snapshot restore` and openssl:
 *
 *   npm run build && node build/test/etcd/make-fixtures.js
 *
 * The snapshot files come from fixtures/snapshots (test/snapshot/make-fixtures.ts).
 * Run from the repository root; it rewrites the folders it owns.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TestEtcd } from '../snapshot/etcd-harness.js';
import { etcdManifest, restore, WIRINGS, writeFile, writeManifests, type EtcdWiring } from './node-layout.js';
import { makeKubeadmPki, type PkiOptions } from './pki.js';

const RULES = 'fixtures/rules';
const SNAPSHOTS = 'fixtures/snapshots';
const GENERATED = 'written by test/etcd/make-fixtures.ts';
const proto = (s: string) => Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.from(s)]);

/** The etcd databases the fixtures need, made once. */
interface Databases {
  /** `etcdctl snapshot save` of a small cluster. */
  backup: Buffer;
  /** The same member's member/snap/db 40 writes later. */
  liveLater: Buffer;
  /** member/snap/db restored from `backup` with --name/--initial-cluster from etcd.yaml. */
  restoredAsMember: Buffer;
}

async function makeDatabases(): Promise<Databases> {
  const work = mkdtempSync(join(tmpdir(), 'kcheck-etcd-fixtures-'));
  const etcd = await TestEtcd.start();
  try {
    for (const ns of ['default', 'kube-system', 'shop']) await etcd.put(`/registry/namespaces/${ns}`, proto(ns));
    for (const node of ['controlplane', 'node01']) await etcd.put(`/registry/minions/${node}`, proto(node));
    await etcd.put('/registry/pods/shop/web-1', proto('web-1'));
    await etcd.put('/registry/deployments/shop/web', proto('web'));
    await etcd.snapshot(join(work, 'backup.db'));
    for (let i = 0; i < 40; i++) await etcd.put(`/registry/leases/kube-node-lease/node01`, proto(`renew ${i}`));
    await etcd.stop();
    await restore(join(work, 'backup.db'), join(work, 'as-member'), true);
    const db = (dir: string) => readFileSync(join(dir, 'member', 'snap', 'db'));
    return {
      backup: readFileSync(join(work, 'backup.db')),
      liveLater: db(etcd.dataDir),
      restoredAsMember: db(join(work, 'as-member')),
    };
  } finally {
    await etcd.cleanup();
    rmSync(work, { recursive: true, force: true });
  }
}

function fresh(dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

function copy(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}

/** A node root: manifests wired as asked, a kubeadm pki (unless `pki` is false), and `kcheck.args`. */
function nodeRoot(dir: string, wiring: EtcdWiring, pki: PkiOptions | false, args = ''): void {
  fresh(dir);
  writeManifests(dir, wiring, GENERATED);
  if (pki) makeKubeadmPki(dir, { keys: 'placeholder', ...pki });
  if (args) writeFileSync(join(dir, 'kcheck.args'), `${args}\n`);
}

/** A node root whose etcd data is where kubeadm puts it, for the certificate rules. */
function kubeadmNode(dir: string, dbs: Databases, pki: PkiOptions): void {
  nodeRoot(dir, WIRINGS.kubeadmDefault, pki);
  writeFile(dir, `var/lib/etcd/${DB}`, dbs.restoredAsMember);
}

function backupFolder(dir: string, files: Record<string, string | Buffer>, args = ''): void {
  fresh(dir);
  for (const [name, from] of Object.entries(files)) {
    if (typeof from === 'string') copy(from, join(dir, 'backups', name));
    else writeFile(dir, join('backups', name), from);
  }
  if (args) writeFileSync(join(dir, 'kcheck.args'), `${args}\n`);
}

const snap = (name: string) => join(SNAPSHOTS, name);
const DB = 'member/snap/db';

function backupFixtures(dbs: Databases): void {
  const r = (id: string, name: string) => join(RULES, id, name);
  backupFolder(r('etcd-backup-missing', 'fail-no-snapshot'), { 'README.txt': Buffer.from('The backup job writes its snapshots here.\n') });
  backupFolder(r('etcd-backup-missing', 'fail-only-a-corrupt-snapshot'), { 'etcd-snapshot-2026-11-19T0300Z.db': snap('interrupted-copy.db') });
  backupFolder(r('etcd-backup-missing', 'pass-snapshot-present'), { 'etcd-snapshot-2026-11-19T0300Z.db': snap('kubernetes.db') });

  backupFolder(r('etcd-backup-stale', 'fail-nine-days-old'), { 'etcd-snapshot-2026-11-11T0300Z.db': snap('kubernetes.db') });
  backupFolder(r('etcd-backup-stale', 'fail-two-days-by-file-time'), { 'kubernetes.db': snap('kubernetes.db') }, '--mtime backups/kubernetes.db=2026-11-18T00:00:00Z');
  backupFolder(r('etcd-backup-stale', 'pass-fresh-by-name'), { 'etcd-snapshot-20261119T220000Z.db': snap('kubernetes.db') });
  backupFolder(r('etcd-backup-stale', 'pass-fresh-by-file-time'), { 'kubernetes.db': snap('kubernetes.db') }, '--mtime backups/kubernetes.db=2026-11-19T12:00:00Z');
  const maxAge = r('etcd-backup-stale', 'pass-three-days-old-with-max-age-7d');
  backupFolder(maxAge, { 'snapshot-2026-11-17.db': snap('kubernetes.db') }, `--config ${maxAge}/kcheck.yaml`);
  writeFileSync(join(maxAge, 'kcheck.yaml'), 'rules:\n  etcd-backup-stale:\n    options:\n      maxAge: 7d\n');
  const behind = r('etcd-backup-stale', 'fail-behind-live-data-dir');
  nodeRoot(behind, WIRINGS.kubeadmDefault, false, `--config ${behind}/kcheck.yaml`);
  writeFile(behind, `backups/etcd-snapshot-2026-11-19T2300Z.db`, dbs.backup);
  writeFile(behind, `var/lib/etcd/${DB}`, dbs.liveLater);
  writeFileSync(join(behind, 'kcheck.yaml'), 'rules:\n  etcd-backup-stale:\n    options:\n      maxRevisionsBehind: 20\n');

  backupFolder(r('etcd-backup-corrupt', 'fail-changed-after-save'), { 'etcd-snapshot-2026-11-19T0300Z.db': snap('changed-after-save.db') });
  backupFolder(r('etcd-backup-corrupt', 'fail-interrupted-copy'), { 'etcd-snapshot-2026-11-19T0300Z.db': snap('interrupted-copy.db') });
  backupFolder(r('etcd-backup-corrupt', 'fail-not-an-etcd-database'), { 'snapshot.db': Buffer.from('etcdctl: context deadline exceeded\n') });
  backupFolder(r('etcd-backup-corrupt', 'pass-sound-snapshot'), { 'etcd-snapshot-2026-11-19T0300Z.db': snap('kubernetes.db') });

  backupFolder(r('etcd-backup-unverifiable', 'fail-raw-db-copy'), { [`etcd-data-copy/${DB}`]: snap(`etcd-data-copy/${DB}`) });
  backupFolder(r('etcd-backup-unverifiable', 'pass-etcdctl-snapshot'), { 'etcd-snapshot-2026-11-19T0300Z.db': snap('kubernetes.db') });

  backupFolder(r('etcd-backup-not-kubernetes', 'fail-snapshot-of-another-etcd'), { 'etcd-snapshot-2026-11-19T0300Z.db': snap('not-kubernetes.db') });
  backupFolder(r('etcd-backup-not-kubernetes', 'pass-kubernetes-snapshot'), { 'etcd-snapshot-2026-11-19T0300Z.db': snap('kubernetes.db') });
}

function dataDirFixtures(): void {
  const dir = join(RULES, 'etcd-data-dir-mismatch');
  const files: Record<string, [EtcdWiring, string]> = {
    'fail-only-data-dir-changed.yaml': [WIRINGS.onlyDataDirChanged, 'only --data-dir changed after a restore: no mount holds it'],
    'fail-mount-changed-not-flag.yaml': [WIRINGS.mountChangedNotFlag, 'the etcd-data mount moved, --data-dir did not'],
    'fail-read-only-mount.yaml': [WIRINGS.readOnlyMount, 'the etcd-data mount is readOnly'],
    'fail-emptydir-volume.yaml': [WIRINGS.emptyDirVolume, 'etcd-data is an emptyDir: the data lives as long as the pod'],
    'fail-no-data-dir-flag.yaml': [WIRINGS.noDataDirFlag, 'no --data-dir: etcd uses controlplane.etcd in its working directory'],
    'pass-kubeadm-default.yaml': [WIRINGS.kubeadmDefault, 'as kubeadm writes it'],
    'pass-documented-restore.yaml': [WIRINGS.documentedRestore, 'the documented restore: only hostPath.path changed'],
    'pass-data-dir-below-mount.yaml': [WIRINGS.dataDirBelowMount, 'the data dir is a folder inside the mount'],
  };
  for (const name of Object.keys(files)) rmSync(join(dir, name), { force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, [wiring, what]] of Object.entries(files)) writeFileSync(join(dir, name), etcdManifest(wiring, `${what} (${GENERATED})`));
}

function restoreFixtures(dbs: Databases): void {
  const r = (name: string) => join(RULES, 'etcd-restore-not-wired', name);
  nodeRoot(r('fail-hostpath-not-restored'), WIRINGS.documentedRestore, false);
  writeFile(r('fail-hostpath-not-restored'), `var/lib/etcd-restore/${DB}`, dbs.restoredAsMember);

  nodeRoot(r('fail-restored-sibling-newer'), WIRINGS.kubeadmDefault, false,
    '--mtime var/lib/etcd/member=2026-03-02T10:00:00Z --mtime var/lib/etcd-from-backup/member=2026-11-19T22:15:00Z');
  writeFile(r('fail-restored-sibling-newer'), `var/lib/etcd/${DB}`, dbs.liveLater);
  writeFile(r('fail-restored-sibling-newer'), `var/lib/etcd-from-backup/${DB}`, dbs.restoredAsMember);

  nodeRoot(r('pass-kubeadm-default'), WIRINGS.kubeadmDefault, false);
  writeFile(r('pass-kubeadm-default'), `var/lib/etcd/${DB}`, dbs.restoredAsMember);

  nodeRoot(r('pass-documented-restore'), WIRINGS.documentedRestore, false,
    '--mtime var/lib/etcd/member=2026-03-02T10:00:00Z --mtime var/lib/etcd-from-backup/member=2026-11-19T22:15:00Z');
  writeFile(r('pass-documented-restore'), `var/lib/etcd/${DB}`, dbs.liveLater);
  writeFile(r('pass-documented-restore'), `var/lib/etcd-from-backup/${DB}`, dbs.restoredAsMember);
}

function certificateFixtures(dbs: Databases): void {
  const r = (id: string, name: string) => join(RULES, id, name);
  kubeadmNode(r('certificate-expiry', 'fail-apiserver-expired'), dbs, {
    validity: { apiserver: { notBefore: '2025-11-01T00:00:00Z', notAfter: '2026-11-01T00:00:00Z' } },
  });
  kubeadmNode(r('certificate-expiry', 'fail-admin-conf-expires-in-two-weeks'), dbs, {
    validity: { 'admin.conf': { notBefore: '2025-12-04T00:00:00Z', notAfter: '2026-12-04T00:00:00Z' } },
  });
  kubeadmNode(r('certificate-expiry', 'fail-etcd-server-not-yet-valid'), dbs, {
    validity: { 'etcd-server': { notBefore: '2027-01-01T00:00:00Z', notAfter: '2028-01-01T00:00:00Z' } },
  });
  kubeadmNode(r('certificate-expiry', 'fail-etcd-ca-expired'), dbs, {
    validity: { 'etcd-ca': { notBefore: '2016-11-10T00:00:00Z', notAfter: '2026-11-08T00:00:00Z' } },
  });
  kubeadmNode(r('certificate-expiry', 'pass-all-valid'), dbs, {});

  kubeadmNode(r('etcd-tls-files-missing', 'fail-etcd-server-key-missing'), dbs, { omit: ['etcd/server.key'] });
  kubeadmNode(r('etcd-tls-files-missing', 'fail-apiserver-etcd-client-missing'), dbs, {
    omit: ['apiserver-etcd-client.crt', 'apiserver-etcd-client.key'],
  });
  kubeadmNode(r('etcd-tls-files-missing', 'pass-all-files-present'), dbs, {});
}

/**
 * The demo's backups (a stale snapshot, last night's corrupt one, a raw db
 * copy, a snapshot of another etcd) and its control-plane node: pki with an
 * expired and an expiring certificate and a missing etcd key, and etcd.yaml
 * pointing at /var/lib/etcd-from-backup while the restore went to /var/lib/etcd-restore.
 */
function demo(dbs: Databases): void {
  const backups = fresh('fixtures/demo/backups');
  copy(snap('kubernetes.db'), join(backups, 'etcd-snapshot-2026-11-17T0300Z.db'));
  copy(snap('changed-after-save.db'), join(backups, 'etcd-snapshot-2026-11-19T0300Z.db'));
  copy(snap(`etcd-data-copy/${DB}`), join(backups, 'controlplane-member-db-2026-11-16T0300Z.db'));
  copy(snap('not-kubernetes.db'), join(backups, 'feature-flags-etcd-2026-11-18T0300Z.db'));

  const root = 'fixtures/demo/node-root';
  rmSync(join(root, 'etc/kubernetes/pki'), { recursive: true, force: true });
  rmSync(join(root, 'var'), { recursive: true, force: true });
  makeKubeadmPki(root, {
    keys: 'placeholder',
    validity: {
      'apiserver-kubelet-client': { notBefore: '2025-11-14T00:00:00Z', notAfter: '2026-11-14T00:00:00Z' },
      'admin.conf': { notBefore: '2025-12-03T00:00:00Z', notAfter: '2026-12-03T00:00:00Z' },
    },
    omit: ['etcd/peer.key'],
  });
  writeFile(root, 'etc/kubernetes/manifests/etcd.yaml', etcdManifest(
    WIRINGS.documentedRestore,
    'after restoring 2026-11-19\'s snapshot (etcdctl snapshot restore ... --data-dir /var/lib/etcd-restore), hostPath.path was changed as the docs say',
  ));
  writeFile(root, `var/lib/etcd-restore/${DB}`, dbs.restoredAsMember);
  writeFile('fixtures/demo/cluster', 'controlplane-2-etcd.yaml', etcdManifest(
    WIRINGS.onlyDataDirChanged,
    '/etc/kubernetes/manifests/etcd.yaml copied from controlplane-2 after its etcd restore: only --data-dir was changed',
  ));
}

async function main(): Promise<void> {
  const dbs = await makeDatabases();
  backupFixtures(dbs);
  dataDirFixtures();
  restoreFixtures(dbs);
  certificateFixtures(dbs);
  demo(dbs);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});

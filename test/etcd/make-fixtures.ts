/**
 * Writes the node-root and backup fixtures of the etcd and certificate rules
 * (fixtures/rules/<id>/...) and the demo's backups, pki and etcd data, from a
 * real etcd 3.4 (Debian etcd-server), `etcdctl snapshot restore` and openssl:
 *
 *   npm run build && node build/test/etcd/make-fixtures.js
 *
 * The snapshot files come from fixtures/snapshots (test/snapshot/make-fixtures.ts).
 * Run from the repository root; it rewrites the folders it owns.
 *
 * `makeFixtures(root)` writes the same files under another root (a temp dir),
 * still reading the snapshots from the repository, and says what it wrote:
 * test/etcd/fixtures-fresh.test.ts compares that with what is checked in.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestEtcd } from '../snapshot/etcd-harness.js';
import { etcdManifest, restore, WIRINGS, writeFile, writeManifests, type EtcdWiring } from './node-layout.js';
import { RESTORE_SNAP, RESTORE_WAL, walWithoutPreallocation } from './restore-layout.js';
import { makeKubeadmPki, type PkiOptions } from './pki.js';

const RULES = 'fixtures/rules';
const SNAPSHOTS = 'fixtures/snapshots';
const GENERATED = 'written by test/etcd/make-fixtures.ts';
const proto = (s: string) => Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.from(s)]);

/**
 * A file whose bytes are new on every run: etcd's database pages, fresh keys
 * and signatures; `foreign-certificate` is one signed by a stranger CA on
 * purpose (certificate-wrong-issuer), `private-key` real key material.
 */
export type VariableFile = 'etcd-db' | 'certificate' | 'foreign-certificate' | 'private-key' | 'kubeconfig';

/** What one run wrote, by repository-relative path with forward slashes. */
export interface FixtureManifest {
  /** Folders emptied before they were written: every file in one is the generator's, and nothing else belongs there. */
  folders: string[];
  /** Every file written, those in the folders included. */
  files: string[];
  /** The files whose bytes differ from run to run, and what each is; every other file is the same on every run. */
  variable: Map<string, VariableFile>;
}

/** Every file and symbolic link below `dir`, relative with forward slashes, sorted; none when it does not exist. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const visit = (rel: string): void => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) visit(child);
      else out.push(child);
    }
  };
  visit('');
  return out.sort();
}

/**
 * Where one run writes: paths relative to the repository (as the fixtures and
 * their `kcheck.args` name them), written under `root`.
 */
class Output {
  private readonly folders = new Set<string>();
  private readonly written = new Set<string>();
  private readonly variable = new Map<string, VariableFile>();

  constructor(
    private readonly root: string,
    private readonly snapshots: string,
  ) {}

  /** Empties a folder that is the generator's alone, and makes it again. */
  fresh(dir: string): string {
    this.remove(dir);
    mkdirSync(join(this.root, dir), { recursive: true });
    return dir;
  }

  /** Removes a folder that is the generator's alone. */
  remove(dir: string): void {
    this.folders.add(posix.normalize(dir));
    rmSync(join(this.root, dir), { recursive: true, force: true });
  }

  /** Writes `path` under the folder `dir`. */
  write(dir: string, path: string, content: string | Buffer, kind?: VariableFile): void {
    writeFile(join(this.root, dir), path, content);
    const rel = posix.join(dir, path);
    this.written.add(rel);
    if (kind) this.variable.set(rel, kind);
  }

  /** An etcd database, written by etcd or restored by etcdctl. */
  database(dir: string, path: string, content: Buffer): void {
    this.write(dir, path, content, 'etcd-db');
  }

  /** Copies a file of fixtures/snapshots to `to`. */
  copySnapshot(name: string, to: string): void {
    mkdirSync(dirname(join(this.root, to)), { recursive: true });
    copyFileSync(join(this.snapshots, name), join(this.root, to));
    this.written.add(posix.normalize(to));
  }

  /** The manifests of a node root, with etcd.yaml wired as asked. */
  manifests(dir: string, wiring: EtcdWiring, comment: string): void {
    writeManifests(join(this.root, dir), wiring, comment);
    for (const name of ['etcd.yaml', 'kube-apiserver.yaml']) this.written.add(posix.join(dir, 'etc/kubernetes/manifests', name));
  }

  /** A kubeadm pki under the node root `dir`: /etc/kubernetes/pki and the kubeconfigs beside it, certificates new on every run. */
  pki(dir: string, options: PkiOptions): void {
    const kubernetes = join(this.root, dir, 'etc/kubernetes');
    const topLevel = (): Map<string, Buffer> =>
      new Map(listFiles(kubernetes).filter((f) => !f.includes('/')).map((f) => [f, readFileSync(join(kubernetes, f))]));
    const before = topLevel();
    // kubeadm's names as files under pki: etcd-server is etcd/server.crt, etcd-ca etcd/ca.crt.
    const foreign = new Set(Object.keys(options.foreignIssuer ?? {}).map((name) => (name.startsWith('etcd-') ? `etcd/${name.slice(5)}.crt` : `${name}.crt`)));
    makeKubeadmPki(join(this.root, dir), options);
    for (const file of listFiles(join(kubernetes, 'pki'))) {
      const rel = posix.join(dir, 'etc/kubernetes/pki', file);
      this.written.add(rel);
      if (file.endsWith('.crt')) this.variable.set(rel, foreign.has(file) ? 'foreign-certificate' : 'certificate');
      if (file.endsWith('.key') && options.keys === 'real') this.variable.set(rel, 'private-key');
    }
    // The kubeconfigs (admin.conf, ...) it wrote: new, or with new certificates.
    for (const [file, content] of topLevel()) {
      if (before.get(file)?.equals(content)) continue;
      const rel = posix.join(dir, 'etc/kubernetes', file);
      this.written.add(rel);
      this.variable.set(rel, 'kubeconfig');
    }
  }

  manifest(): FixtureManifest {
    const files = new Set(this.written);
    for (const folder of this.folders) for (const file of listFiles(join(this.root, folder))) files.add(posix.join(folder, file));
    return { folders: [...this.folders].sort(), files: [...files].sort(), variable: new Map(this.variable) };
  }
}

/** The etcd databases the fixtures need, made once. */
interface Databases {
  /** `etcdctl snapshot save` of a small cluster. */
  backup: Buffer;
  /** The same member's member/snap/db 40 writes later. */
  liveLater: Buffer;
  /** member/snap/db restored from `backup` with --name/--initial-cluster from etcd.yaml. */
  restoredAsMember: Buffer;
  /** The WAL (cut after its records) and raft snapshot file of that restore: the restore's mark. */
  restoredWal: Buffer;
  restoredSnap: Buffer;
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
      restoredWal: walWithoutPreallocation(readFileSync(join(work, 'as-member', RESTORE_WAL))),
      restoredSnap: readFileSync(join(work, 'as-member', RESTORE_SNAP)),
    };
  } finally {
    await etcd.cleanup();
    rmSync(work, { recursive: true, force: true });
  }
}

/** A node root: manifests wired as asked, a kubeadm pki (unless `pki` is false), and `kcheck.args`. */
function nodeRoot(out: Output, dir: string, wiring: EtcdWiring, pki: PkiOptions | false, args = ''): void {
  out.fresh(dir);
  out.manifests(dir, wiring, GENERATED);
  if (pki) out.pki(dir, { keys: 'placeholder', ...pki });
  if (args) out.write(dir, 'kcheck.args', `${args}\n`);
}

/** A node root whose etcd data is where kubeadm puts it, for the certificate rules. */
function kubeadmNode(out: Output, dir: string, dbs: Databases, pki: PkiOptions): void {
  nodeRoot(out, dir, WIRINGS.kubeadmDefault, pki);
  out.database(dir, `var/lib/etcd/${DB}`, dbs.restoredAsMember);
}

/** A folder with `backups/`: snapshot files of fixtures/snapshots by name, or contents. */
function backupFolder(out: Output, dir: string, files: Record<string, string | Buffer>, args = ''): void {
  out.fresh(dir);
  for (const [name, from] of Object.entries(files)) {
    if (typeof from === 'string') out.copySnapshot(from, join(dir, 'backups', name));
    else out.write(dir, join('backups', name), from);
  }
  if (args) out.write(dir, 'kcheck.args', `${args}\n`);
}

const DB = 'member/snap/db';

function backupFixtures(out: Output, dbs: Databases): void {
  const r = (id: string, name: string) => join(RULES, id, name);
  backupFolder(out, r('etcd-backup-missing', 'fail-no-snapshot'), { 'README.txt': Buffer.from('The backup job writes its snapshots here.\n') });
  backupFolder(out, r('etcd-backup-missing', 'fail-only-a-corrupt-snapshot'), { 'etcd-snapshot-2026-11-19T0300Z.db': 'interrupted-copy.db' });
  backupFolder(out, r('etcd-backup-missing', 'pass-snapshot-present'), { 'etcd-snapshot-2026-11-19T0300Z.db': 'kubernetes.db' });

  backupFolder(out, r('etcd-backup-stale', 'fail-nine-days-old'), { 'etcd-snapshot-2026-11-11T0300Z.db': 'kubernetes.db' });
  backupFolder(out, r('etcd-backup-stale', 'fail-two-days-by-file-time'), { 'kubernetes.db': 'kubernetes.db' }, '--mtime backups/kubernetes.db=2026-11-18T00:00:00Z');
  backupFolder(out, r('etcd-backup-stale', 'pass-fresh-by-name'), { 'etcd-snapshot-20261119T220000Z.db': 'kubernetes.db' });
  backupFolder(out, r('etcd-backup-stale', 'pass-fresh-by-file-time'), { 'kubernetes.db': 'kubernetes.db' }, '--mtime backups/kubernetes.db=2026-11-19T12:00:00Z');
  const maxAge = r('etcd-backup-stale', 'pass-three-days-old-with-max-age-7d');
  backupFolder(out, maxAge, { 'snapshot-2026-11-17.db': 'kubernetes.db' }, `--config ${maxAge}/kcheck.yaml`);
  out.write(maxAge, 'kcheck.yaml', 'rules:\n  etcd-backup-stale:\n    options:\n      maxAge: 7d\n');
  const behind = r('etcd-backup-stale', 'fail-behind-live-data-dir');
  nodeRoot(out, behind, WIRINGS.kubeadmDefault, false, `--config ${behind}/kcheck.yaml`);
  out.database(behind, `backups/etcd-snapshot-2026-11-19T2300Z.db`, dbs.backup);
  out.database(behind, `var/lib/etcd/${DB}`, dbs.liveLater);
  out.write(behind, 'kcheck.yaml', 'rules:\n  etcd-backup-stale:\n    options:\n      maxRevisionsBehind: 20\n');

  backupFolder(out, r('etcd-backup-corrupt', 'fail-changed-after-save'), { 'etcd-snapshot-2026-11-19T0300Z.db': 'changed-after-save.db' });
  backupFolder(out, r('etcd-backup-corrupt', 'fail-interrupted-copy'), { 'etcd-snapshot-2026-11-19T0300Z.db': 'interrupted-copy.db' });
  backupFolder(out, r('etcd-backup-corrupt', 'fail-not-an-etcd-database'), { 'snapshot.db': Buffer.from('etcdctl: context deadline exceeded\n') });
  backupFolder(out, r('etcd-backup-corrupt', 'pass-sound-snapshot'), { 'etcd-snapshot-2026-11-19T0300Z.db': 'kubernetes.db' });

  backupFolder(out, r('etcd-backup-unverifiable', 'fail-raw-db-copy'), { [`etcd-data-copy/${DB}`]: `etcd-data-copy/${DB}` });
  backupFolder(out, r('etcd-backup-unverifiable', 'pass-etcdctl-snapshot'), { 'etcd-snapshot-2026-11-19T0300Z.db': 'kubernetes.db' });

  backupFolder(out, r('etcd-backup-not-kubernetes', 'fail-snapshot-of-another-etcd'), { 'etcd-snapshot-2026-11-19T0300Z.db': 'not-kubernetes.db' });
  backupFolder(out, r('etcd-backup-not-kubernetes', 'pass-kubernetes-snapshot'), { 'etcd-snapshot-2026-11-19T0300Z.db': 'kubernetes.db' });
}

function dataDirFixtures(out: Output): void {
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
  for (const [name, [wiring, what]] of Object.entries(files)) out.write(dir, name, etcdManifest(wiring, `${what} (${GENERATED})`));
}

/** A data dir as `etcdctl snapshot restore` leaves it: database, WAL and raft snapshot file. */
function restoredDir(out: Output, root: string, dir: string, dbs: Databases): void {
  out.database(root, `${dir}/${DB}`, dbs.restoredAsMember);
  out.write(root, `${dir}/${RESTORE_WAL}`, dbs.restoredWal);
  out.write(root, `${dir}/${RESTORE_SNAP}`, dbs.restoredSnap);
}

function restoreFixtures(out: Output, dbs: Databases): void {
  const r = (name: string) => join(RULES, 'etcd-restore-not-wired', name);
  const madeAt = (dir: string, time: string) => `--mtime ${dir}/${RESTORE_SNAP}=${time} --mtime ${dir}/${RESTORE_WAL}=${time}`;
  nodeRoot(out, r('fail-hostpath-not-restored'), WIRINGS.documentedRestore, false);
  restoredDir(out, r('fail-hostpath-not-restored'), 'var/lib/etcd-restore', dbs);

  nodeRoot(out, r('fail-restored-sibling-newer'), WIRINGS.kubeadmDefault, false, madeAt('var/lib/etcd-from-backup', '2026-11-19T22:15:00Z'));
  out.database(r('fail-restored-sibling-newer'), `var/lib/etcd/${DB}`, dbs.liveLater);
  restoredDir(out, r('fail-restored-sibling-newer'), 'var/lib/etcd-from-backup', dbs);

  nodeRoot(out, r('pass-kubeadm-default'), WIRINGS.kubeadmDefault, false);
  out.database(r('pass-kubeadm-default'), `var/lib/etcd/${DB}`, dbs.restoredAsMember);

  nodeRoot(out, r('pass-documented-restore'), WIRINGS.documentedRestore, false, madeAt('var/lib/etcd-from-backup', '2026-11-19T22:15:00Z'));
  out.database(r('pass-documented-restore'), `var/lib/etcd/${DB}`, dbs.liveLater);
  restoredDir(out, r('pass-documented-restore'), 'var/lib/etcd-from-backup', dbs);
}

function certificateFixtures(out: Output, dbs: Databases): void {
  const r = (id: string, name: string) => join(RULES, id, name);
  kubeadmNode(out, r('certificate-expiry', 'fail-apiserver-expired'), dbs, {
    validity: { apiserver: { notBefore: '2025-11-01T00:00:00Z', notAfter: '2026-11-01T00:00:00Z' } },
  });
  kubeadmNode(out, r('certificate-expiry', 'fail-admin-conf-expires-in-two-weeks'), dbs, {
    validity: { 'admin.conf': { notBefore: '2025-12-04T00:00:00Z', notAfter: '2026-12-04T00:00:00Z' } },
  });
  kubeadmNode(out, r('certificate-expiry', 'fail-etcd-server-not-yet-valid'), dbs, {
    validity: { 'etcd-server': { notBefore: '2027-01-01T00:00:00Z', notAfter: '2028-01-01T00:00:00Z' } },
  });
  kubeadmNode(out, r('certificate-expiry', 'fail-etcd-ca-expired'), dbs, {
    validity: { 'etcd-ca': { notBefore: '2016-11-10T00:00:00Z', notAfter: '2026-11-08T00:00:00Z' } },
  });
  kubeadmNode(out, r('certificate-expiry', 'pass-all-valid'), dbs, {});

  kubeadmNode(out, r('etcd-tls-files-missing', 'fail-etcd-server-key-missing'), dbs, { omit: ['etcd/server.key'] });
  kubeadmNode(out, r('etcd-tls-files-missing', 'fail-apiserver-etcd-client-missing'), dbs, {
    omit: ['apiserver-etcd-client.crt', 'apiserver-etcd-client.key'],
  });
  kubeadmNode(out, r('etcd-tls-files-missing', 'pass-all-files-present'), dbs, {});
}

/** The demo's resource dump (its time is in its name, as a nightly job would write it). */
const KUBECTL_GET_ALL_DUMP = `# kubectl get all -A -o yaml
apiVersion: v1
kind: List
metadata:
  resourceVersion: ""
items:
  - apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      namespace: shop
      creationTimestamp: "2026-10-01T10:00:00Z"
    spec:
      replicas: 3
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          containers:
            - name: web
              image: nginx:1.27
  - apiVersion: v1
    kind: Service
    metadata:
      name: web
      namespace: shop
      creationTimestamp: "2026-10-01T10:00:00Z"
    spec:
      selector: {app: web}
      ports:
        - port: 80
`;

/**
 * The demo's backups (a stale snapshot, last night's corrupt one, a raw db
 * copy, a snapshot of another etcd, a `kubectl get all` dump) and its control-plane node: pki with an
 * expired and an expiring certificate and a missing etcd key, and etcd.yaml
 * pointing at /var/lib/etcd-from-backup while the restore went to /var/lib/etcd-restore.
 */
function demo(out: Output, dbs: Databases): void {
  const backups = out.fresh('fixtures/demo/backups');
  out.copySnapshot('kubernetes.db', join(backups, 'etcd-snapshot-2026-11-17T0300Z.db'));
  out.copySnapshot('changed-after-save.db', join(backups, 'etcd-snapshot-2026-11-19T0300Z.db'));
  out.copySnapshot(`etcd-data-copy/${DB}`, join(backups, 'controlplane-member-db-2026-11-16T0300Z.db'));
  out.copySnapshot('not-kubernetes.db', join(backups, 'feature-flags-etcd-2026-11-18T0300Z.db'));
  // Beside the snapshots, a resource dump made with `kubectl get all`: it lacks what a restore needs.
  out.write(backups, 'everything-2026-11-18T0300Z.yaml', KUBECTL_GET_ALL_DUMP);

  const root = 'fixtures/demo/node-root';
  out.remove(join(root, 'etc/kubernetes/pki'));
  out.remove(join(root, 'var'));
  out.pki(root, {
    // Real throwaway keys: front-proxy-client.key was swapped for another key (certificate-key-mismatch).
    keys: 'real',
    validity: {
      'apiserver-kubelet-client': { notBefore: '2025-11-14T00:00:00Z', notAfter: '2026-11-14T00:00:00Z' },
      'admin.conf': { notBefore: '2025-12-03T00:00:00Z', notAfter: '2026-12-03T00:00:00Z' },
    },
    omit: ['etcd/peer.key', 'etcd/healthcheck-client.crt', 'etcd/healthcheck-client.key'],
    mismatchedKey: ['front-proxy-client'],
    // Re-issued by hand with a fresh CA of the same name: the API server's client certificate for etcd no longer chains to etcd's CA.
    foreignIssuer: { 'apiserver-etcd-client': 'same-name' },
    // Joined before kubeadm 1.17: kubelet.conf embeds its client certificate, which rotation never replaces.
    kubelet: { mode: 'embedded' },
    // Issued before the node moved to 10.0.0.10: the advertise address is not among the SANs.
    apiserverSans: ['DNS:controlplane', 'DNS:kubernetes', 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc', 'DNS:kubernetes.default.svc.cluster.local', 'IP:10.96.0.1'],
  });
  out.write(root, 'etc/kubernetes/manifests/etcd.yaml', etcdManifest(
    WIRINGS.documentedRestore,
    'after restoring 2026-11-19\'s snapshot (etcdctl snapshot restore ... --data-dir /var/lib/etcd-restore), hostPath.path was changed as the docs say',
  ));
  out.database(root, `var/lib/etcd-restore/${DB}`, dbs.restoredAsMember);
  out.write('fixtures/demo/cluster', 'controlplane-2-etcd.yaml', etcdManifest(
    WIRINGS.onlyDataDirChanged,
    '/etc/kubernetes/manifests/etcd.yaml copied from controlplane-2 after its etcd restore: only --data-dir was changed, and ETCD_DATA_DIR was added to the env as well',
  ).replace(/^ {4}image: /m, '    env:\n    - name: ETCD_DATA_DIR\n      value: /var/lib/etcd-from-backup\n    image: '));
}

export interface MakeFixturesOptions {
  /** The snapshot files the backup fixtures copy; default fixtures/snapshots under `root`. */
  snapshots?: string;
}

/**
 * Writes every fixture this generator owns under `root` (the repository, or
 * a copy's stand-in such as a temp dir) and says what it wrote.
 */
export async function makeFixtures(root: string, options: MakeFixturesOptions = {}): Promise<FixtureManifest> {
  const out = new Output(root, options.snapshots ?? join(root, SNAPSHOTS));
  const dbs = await makeDatabases();
  backupFixtures(out, dbs);
  dataDirFixtures(out);
  restoreFixtures(out, dbs);
  certificateFixtures(out, dbs);
  demo(out, dbs);
  return out.manifest();
}

// Run as a script (not imported by the freshness test): rewrite the repository's folders, from its root.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  makeFixtures(process.cwd()).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}

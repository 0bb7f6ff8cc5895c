import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scan } from '../../src/cli/pipeline.js';
import { kubeadmBinary } from './kubeadm-binary.js';
import { KUBEADM_CONFIG, listedIn, reported, scanTree, tempParent, trees, writeTree, type Tree } from './trees.js';

/**
 * kcheck's certificate answers against `kubeadm certs check-expiration -o
 * json` (kubeadm v1.35.4, built by scripts/build-kubeadm.sh) on the same
 * generated trees: the same names, the same missing ones, the same expiry
 * instants and CA names, and expired exactly when kubeadm's residual time is
 * not positive.
 *
 * check-expiration takes --cert-dir, but reads kubeconfigs only from
 * /etc/kubernetes (kubeadmconstants.KubernetesDir, cmd/kubeadm/app/cmd/certs.go:113;
 * there is no --kubeconfig-dir). So kubeadm runs in its own mount namespace
 * (unshare --user --map-root-user --mount) with the tree's etc bound over
 * /etc; where the system does not allow that, only the pki entries are
 * compared and the test says so.
 */

const KUBEADM = kubeadmBinary();
/** Whether this system lets an unprivileged process bind a folder over /etc in a namespace of its own. */
const NAMESPACES = spawnSync('unshare', ['--user', '--map-root-user', '--mount', '--', 'mount', '--bind', '/etc', '/etc'], { stdio: 'ignore' }).status === 0;

interface Entry {
  name: string;
  missing: boolean;
  expirationDate: string | null;
  residualTime: number;
  caName?: string;
}

interface KubeadmAnswer {
  ok: boolean;
  stderr: string;
  certificates: Entry[];
  certificateAuthorities: Entry[];
}

/** Runs check-expiration on a tree; a nonexistent --kubeconfig keeps it off any cluster (it falls back to its defaults, certs.go:349-372). */
function checkExpiration(root: string, tree: Tree): Promise<KubeadmAnswer> {
  const args = ['certs', 'check-expiration', '--kubeconfig', join(root, 'no-such-kubeconfig'), '-o', 'json'];
  // The configuration file, where kcheck reads it on the node: with --config kubeadm takes etcd.external from it (certs.go:369-372).
  if (tree.externalEtcd) args.push('--config', NAMESPACES ? `/${KUBEADM_CONFIG}` : join(root, KUBEADM_CONFIG));
  const [command, argv] = NAMESPACES
    ? ['unshare', ['--user', '--map-root-user', '--mount', '--', 'sh', '-c', 'mount --bind "$0/etc" /etc && exec "$@"', root, KUBEADM, ...args]]
    : [KUBEADM, [...args, '--cert-dir', join(root, 'etc/kubernetes/pki')]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv as string[], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return resolve({ ok: false, stderr, certificates: [], certificateAuthorities: [] });
      const parsed = JSON.parse(stdout) as { certificates: Entry[]; certificateAuthorities: Entry[] };
      resolve({ ok: true, stderr, ...parsed });
    });
  });
}

const NOW = Date.now();
const TREES = trees(NOW);
let parent = '';
const runs: { root: string; result: Scan; kubeadm: KubeadmAnswer }[] = [];

beforeAll(async () => {
  parent = tempParent();
  for (const [i, tree] of TREES.entries()) {
    const root = writeTree(parent, tree, i);
    const [result, kubeadm] = await Promise.all([scanTree(root, NOW), checkExpiration(root, tree)]);
    runs.push({ root, result, kubeadm });
  }
}, 240_000);
afterAll(() => {
  if (parent) rmSync(parent, { recursive: true, force: true });
});

describe('kcheck and kubeadm certs check-expiration on the same trees', () => {
  it('the same list, the same missing entries, the same expiry', () => {
    const tally = { trees: runs.length, namespaces: NAMESPACES, entries: 0, missing: 0, dated: 0, kubeadmRefused: 0, disagreements: [] as string[] };
    for (const [i, { result, kubeadm }] of runs.entries()) {
      const where = TREES[i]!.name;
      const missing = reported(result, 'certificate-missing');
      if (!kubeadm.ok) {
        // kubeadm loads each CA before reporting what it signed (IsExternallyManaged, renewal/manager.go:349-353 and
        // phases/certs/certs.go:294-365; kubeconfigs read ca.crt, renewal/readwriter.go:139-144): a missing CA file
        // makes the whole command fail, naming that file. kcheck must report that CA missing.
        tally.kubeadmRefused += 1;
        const file = /\/pki\/(etcd\/ca|front-proxy-ca|ca)\.crt|existing certificate (ca)\b/.exec(kubeadm.stderr);
        const ca = file ? ({ 'etcd/ca': 'etcd-ca', 'front-proxy-ca': 'front-proxy-ca', ca: 'ca' } as Record<string, string>)[file[1] ?? file[2]!] : undefined;
        if (!ca || !missing.has(ca)) {
          tally.disagreements.push(`${where}: kubeadm refused (${kubeadm.stderr.trim().split('\n').slice(-2).join(' ')}), kcheck missing: ${[...missing].join(', ')}`);
        }
        continue;
      }
      const listed = [...kubeadm.certificates, ...kubeadm.certificateAuthorities];
      const compared = listedIn(TREES[i]!).filter((n) => NAMESPACES || !n.endsWith('.conf'));
      const names = listed.map((e) => e.name).filter((n) => NAMESPACES || !n.endsWith('.conf'));
      if (JSON.stringify(names) !== JSON.stringify(compared)) tally.disagreements.push(`${where}: kubeadm lists ${names.join(', ')}`);
      const expired = new Set(result.result.findings.filter((f) => f.ruleId === 'certificate-expiry' && / expired /.test(f.message) && !/ is not valid until /.test(f.message)).map((f) => f.object?.name));
      for (const e of listed) {
        if (!NAMESPACES && e.name.endsWith('.conf')) continue;
        tally.entries += 1;
        if (e.missing !== missing.has(e.name)) tally.disagreements.push(`${where}: ${e.name} missing: kubeadm ${e.missing}, kcheck ${missing.has(e.name)}`);
        if (e.missing) {
          tally.missing += 1;
          continue;
        }
        tally.dated += 1;
        const mine = result.model.certificates?.list.find((c) => c.name === e.name);
        if (mine?.notAfter.toISOString().replace('.000Z', 'Z') !== e.expirationDate) {
          tally.disagreements.push(`${where}: ${e.name} expires: kubeadm ${e.expirationDate}, kcheck ${mine?.notAfter.toISOString()}`);
        }
        if ((e.residualTime <= 0) !== expired.has(e.name)) tally.disagreements.push(`${where}: ${e.name} residual ${e.residualTime}s, kcheck expired ${expired.has(e.name)}`);
        const ca = result.model.certificates?.kubeadm.find((c) => c.name === e.name)?.ca ?? undefined;
        if (e.caName !== ca) tally.disagreements.push(`${where}: ${e.name} CA: kubeadm ${e.caName}, kcheck ${ca}`);
      }
    }
    console.info(`certificates vs kubeadm check-expiration: ${JSON.stringify({ ...tally, disagreements: tally.disagreements.length })}`);
    expect(tally.disagreements).toEqual([]);
    expect(tally.missing).toBeGreaterThan(0);
  }, 60_000);
});

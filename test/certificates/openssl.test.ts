import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Scan } from '../../src/cli/pipeline.js';
import { caOf, fileOf, isKubeconfig, listedIn, reported, scanTree, tempParent, trees, writeTree, type KubeadmName } from './trees.js';

/**
 * kcheck's certificate answers on generated kubeadm trees equal openssl's,
 * certificate by certificate: expired (`openssl x509 -checkend 0`), expiring
 * within 30 days (`-checkend 2592000`), not yet valid (`-startdate`), key
 * pairs (`openssl pkey -pubout` against `openssl x509 -pubkey`), issuer
 * (`openssl verify -no_check_time -CAfile`), and missing files.
 */
const NOW = Date.now();
const TREES = trees(NOW);
let parent = '';
const scans: { root: string; result: Scan }[] = [];

beforeAll(async () => {
  parent = tempParent();
  for (const [i, tree] of TREES.entries()) {
    const root = writeTree(parent, tree, i);
    scans.push({ root, result: await scanTree(root, NOW) });
  }
}, 240_000);
afterAll(() => {
  if (parent) rmSync(parent, { recursive: true, force: true });
});

interface Run {
  ok: boolean;
  stdout: string;
}

/** openssl with `input` on stdin; whether it succeeded and what it printed (its verdict, as its manual defines it). */
function openssl(args: string[], input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => resolve({ ok: code === 0, stdout }));
    child.stdin.end(input ?? '');
  });
}

/** The certificate (first PEM block) and private key of a kubeadm entry, as kubeadm reads them. */
function material(root: string, name: KubeadmName): { cert: string; key: string | null } {
  const file = fileOf(root, name);
  if (isKubeconfig(name)) {
    const config = parse(readFileSync(file, 'utf8')) as { users: { user: Record<string, string> }[] };
    const user = config.users[0]!.user;
    const decode = (s: string | undefined) => (s === undefined ? null : Buffer.from(s, 'base64').toString('utf8'));
    return { cert: decode(user['client-certificate-data'])!, key: decode(user['client-key-data']) };
  }
  const keyFile = file.replace(/\.crt$/, '.key');
  return { cert: readFileSync(file, 'utf8'), key: existsSync(keyFile) ? readFileSync(keyFile, 'utf8') : null };
}

const present = (root: string, name: KubeadmName) => existsSync(fileOf(root, name)) && !statSync(fileOf(root, name)).isDirectory();
const expiryKind = (result: Scan, name: string) =>
  result.result.findings
    .filter((f) => f.ruleId === 'certificate-expiry' && f.object?.name === name)
    .map((f) => (/ is not valid until /.test(f.message) ? 'not-yet-valid' : / expired /.test(f.message) ? 'expired' : 'expiring'));

describe('kcheck and openssl on generated kubeadm trees', () => {
  it('every answer agrees', async () => {
    const tally = { trees: scans.length, certificates: 0, missing: 0, expiry: 0, keys: 0, issuers: 0, kubelet: 0, disagreements: [] as string[] };
    for (const [i, { root, result }] of scans.entries()) {
      const where = `${TREES[i]!.name}`;
      // The trees hold only certificates: the gaps are the missing static pods and etcd, never the certificates.
      expect(result.model.incomplete.has('certificates'), where).toBe(false);
      const missing = reported(result, 'certificate-missing');
      const mismatched = reported(result, 'certificate-key-mismatch');
      const wrongIssuer = reported(result, 'certificate-wrong-issuer');
      await Promise.all(listedIn(TREES[i]!).map(async (name) => {
        const there = present(root, name);
        tally.missing += 1;
        if (missing.has(name) === there) tally.disagreements.push(`${where}: ${name} missing: kcheck ${missing.has(name)}, file there ${there}`);
        if (!there) return;
        tally.certificates += 1;
        const { cert, key } = material(root, name);

        // Expiry, as openssl reads the clock (both use the real time; no date is within a day of a boundary).
        // One call prints notBefore and the public key and answers -checkend 30 days; -checkend 0 only when that one says it will expire.
        const first = await openssl(['x509', '-noout', '-startdate', '-pubkey', '-checkend', String(30 * 86_400)], cert);
        const within30 = !first.ok;
        const expired = within30 && !(await openssl(['x509', '-noout', '-checkend', '0'], cert)).ok;
        const start = new Date(/^notBefore=(.*)$/m.exec(first.stdout)![1]!).getTime();
        const fromCert = /-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/.exec(first.stdout)![0];
        const expected = start > NOW ? ['not-yet-valid'] : expired ? ['expired'] : within30 ? ['expiring'] : [];
        tally.expiry += 1;
        const got = expiryKind(result, name);
        if (JSON.stringify(got) !== JSON.stringify(expected)) tally.disagreements.push(`${where}: ${name} expiry: kcheck ${got}, openssl ${expected}`);

        if (key !== null) {
          const fromKey = (await openssl(['pkey', '-pubout'], key)).stdout.trim();
          const differs = fromCert !== fromKey;
          tally.keys += 1;
          if (mismatched.has(name) !== differs) tally.disagreements.push(`${where}: ${name} key: kcheck mismatch ${mismatched.has(name)}, openssl differs ${differs}`);
        }
        if (!name.endsWith('ca')) {
          const caFile = fileOf(root, caOf(name));
          if (!present(root, caOf(name))) return;
          const verified = await openssl(['verify', '-no_check_time', '-CAfile', caFile], cert);
          const signed = verified.ok && /: OK$/m.test(verified.stdout);
          tally.issuers += 1;
          if (wrongIssuer.has(name) === signed) tally.disagreements.push(`${where}: ${name} issuer: kcheck wrong ${wrongIssuer.has(name)}, openssl verify OK ${signed}`);
        }
      }));
    }
    tally.disagreements.sort();
    for (const [i, { root, result }] of scans.entries()) {
      const kubelet = TREES[i]!.options.kubelet;
      if (kubelet?.mode !== 'file') continue;
      tally.kubelet += 1;
      const where = `${TREES[i]!.name}: kubelet-client-current.pem`;
      const got = result.result.findings.filter((f) => f.ruleId === 'kubelet-client-certificate').map((f) => f.message);
      // The kubelet's link is absolute: resolved under the tree, as on the node, never on this machine.
      let target: string | null = null;
      try {
        target = join(root, readlinkSync(join(root, 'var/lib/kubelet/pki/kubelet-client-current.pem')));
      } catch {
        target = null;
      }
      if (target === null) {
        if (!(got.length === 1 && / does not exist: /.test(got[0]!))) tally.disagreements.push(`${where}: no file, kcheck ${JSON.stringify(got)}`);
        continue;
      }
      const dates = await openssl(['x509', '-noout', '-startdate', '-enddate', '-checkend', '0'], readFileSync(target, 'utf8'));
      const from = new Date(/^notBefore=(.*)$/m.exec(dates.stdout)![1]!).getTime();
      const to = new Date(/^notAfter=(.*)$/m.exec(dates.stdout)![1]!).getTime();
      // openssl's verdict, and the kubelet's rotation deadline (at most 90% of the life, certificate_manager.go:697-728).
      const expected = from > NOW ? 'not valid until' : !dates.ok ? ' expired ' : NOW > from + 0.9 * (to - from) ? 'was not rotated' : null;
      const agrees = expected === null ? got.length === 0 : got.length === 1 && got[0]!.includes(expected);
      if (!agrees) tally.disagreements.push(`${where}: openssl says ${expected}, kcheck ${JSON.stringify(got)}`);
    }
    console.info(`certificates vs openssl: ${JSON.stringify({ ...tally, disagreements: tally.disagreements.length })}`);
    expect(tally.disagreements).toEqual([]);
    // Every kind of answer was asked on both sides: some yes, some no.
    for (const rule of ['certificate-missing', 'certificate-key-mismatch', 'certificate-wrong-issuer', 'certificate-expiry']) {
      expect(scans.some(({ result }) => reported(result, rule).size > 0), rule).toBe(true);
    }
  }, 240_000);
});

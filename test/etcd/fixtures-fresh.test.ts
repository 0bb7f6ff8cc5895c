import { spawn } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { inspectSnapshot } from '../../src/sources/snapshot/inspect.js';
import { readBbolt, revisions, type BboltContents, type Revision } from './etcd-db.js';
import { listFiles, makeFixtures, type FixtureManifest, type VariableFile } from './make-fixtures.js';

/**
 * The node-root and backup fixtures are generated (test/etcd/make-fixtures.ts)
 * and checked in. This runs the generator into a temp dir and compares: the
 * same files, byte for byte where the generator writes the same bytes on every
 * run, and where it cannot (etcd's database pages, fresh keys and signatures)
 * the same certificates and the same etcd keys. A failure here means the
 * checked-in fixtures are not what the generator writes today:
 *
 *   npm run build && node build/test/etcd/make-fixtures.js
 */
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const REGENERATE = 'regenerate with: npm run build && node build/test/etcd/make-fixtures.js';

let out = '';
let manifest: FixtureManifest;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'kcheck-fixtures-fresh-'));
  manifest = await makeFixtures(out, { snapshots: join(repoRoot, 'fixtures/snapshots') });
}, 120_000);
afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

const checkedIn = (rel: string): string => join(repoRoot, rel);
const generated = (rel: string): string => join(out, rel);
const kindOf = (rel: string): VariableFile | undefined => manifest.variable.get(rel);

/** Runs openssl with `input` on stdin; its stdout. */
function openssl(args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`openssl ${args.join(' ')}: ${stderr}`))));
    child.stdin.end(input);
  });
}

/** Runs `task` on every item, a few at a time. */
async function eachLimited<T, R>(items: T[], task: (item: T) => Promise<R>, limit = 8): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

/**
 * A certificate as `openssl x509 -noout -text` prints it, without what a new
 * key changes (the public key, the signature, the subject and authority key
 * identifiers): version, serial, issuer, validity, subject, key type and
 * curve, basic constraints, key usage, extended key usage, names.
 */
async function certificateText(pem: string): Promise<string> {
  const text = await openssl(['x509', '-noout', '-text'], pem);
  return text
    .split('\n')
    .filter((line) => !/^\s+([0-9A-Fa-f]{2}:)*[0-9A-Fa-f]{2}:?$/.test(line))
    .join('\n');
}

/** Each PEM certificate of a kubeconfig, by the field that holds it. */
function kubeconfigCertificates(text: string): { field: string; pem: string }[] {
  return [...text.matchAll(/^\s*(certificate-authority-data|client-certificate-data): (\S+)$/gm)].map((m) => ({
    field: m[1]!,
    pem: Buffer.from(m[2]!, 'base64').toString('utf8'),
  }));
}

/** A kubeconfig with each embedded certificate replaced by its description. */
async function kubeconfigText(text: string): Promise<string> {
  const certs = kubeconfigCertificates(text);
  const described = await Promise.all(certs.map((c) => certificateText(c.pem)));
  let i = 0;
  return text
    .replace(/^(\s*(?:certificate-authority-data|client-certificate-data): )\S+$/gm, (_, field: string) => `${field}<<\n${described[i++]}>>`)
    // Real key material (the demo's) is new on every run; that it is a key is what stays.
    .replace(/^(\s*client-key-data: )(\S+)$/gm, (_, field: string, data: string) => `${field}<<${privateKeyKind(Buffer.from(data, 'base64').toString('utf8'))}>>`);
}

/** What kind of private key a PEM holds ("ec", "rsa"), or why it holds none. */
function privateKeyKind(pem: string): string {
  if (!pem.includes('PRIVATE KEY')) return 'no key material';
  try {
    return createPrivateKey(pem).asymmetricKeyType ?? 'key';
  } catch (error) {
    return `unreadable: ${(error as Error).message}`;
  }
}

/** The node root a pki file belongs to, and its path there: `.../pass-all-valid` and `etc/kubernetes/pki/apiserver.crt`. */
function nodeRootOf(rel: string): { root: string; path: string } {
  const at = rel.indexOf('/etc/kubernetes/');
  return { root: rel.slice(0, at), path: rel.slice(at + 1) };
}

/** Why a generated certificate file is not signed by the CA of its tree, or null. */
function chainProblem(tree: string, rel: string): string | null {
  const { root } = nodeRootOf(rel);
  const cert = new X509Certificate(readFileSync(join(tree, rel)));
  const cas = ['ca', 'etcd/ca', 'front-proxy-ca'].map((name) => new X509Certificate(readFileSync(join(tree, root, `etc/kubernetes/pki/${name}.crt`))));
  const issuer = cas.find((ca) => cert.checkIssued(ca));
  if (!issuer) return `${rel}: issued by none of the tree's CAs (${cert.issuer})`;
  return cert.verify(issuer.publicKey) ? null : `${rel}: signature does not verify with ${issuer.subject}`;
}

interface DatabaseEssence {
  verdict: string;
  trailer: boolean;
  buckets: string[];
  /** etcd's keys: every revision with its key, value and revisions. */
  revisions: Revision[];
  /** Members by name (etcd keeps the member of the etcd that took the snapshot, on a random port, even after a restore). */
  members: { name: unknown; peerURLs: number; clientURLs: number }[];
  /** The other buckets' entries (meta, cluster, auth, ...), hex. */
  others: Record<string, string[]>;
}

async function databaseEssence(file: string): Promise<DatabaseEssence> {
  const report = await inspectSnapshot(file);
  const contents: BboltContents = await readBbolt(file);
  const others: Record<string, string[]> = {};
  for (const [name, entries] of contents.buckets) {
    if (name === 'key' || name === 'members') continue;
    others[name] = entries.map((e) => `${e.key.toString('hex')}=${e.value.toString('hex')}`);
  }
  return {
    verdict: report.verdict,
    trailer: contents.trailer,
    buckets: [...contents.buckets.keys()],
    revisions: revisions(contents),
    members: (contents.buckets.get('members') ?? []).map((e) => {
      const member = JSON.parse(e.value.toString('utf8')) as { name?: unknown; peerURLs?: unknown[]; clientURLs?: unknown[] };
      return { name: member.name, peerURLs: member.peerURLs?.length ?? 0, clientURLs: member.clientURLs?.length ?? 0 };
    }),
    others,
  };
}

describe('the checked-in etcd and certificate fixtures are what test/etcd/make-fixtures.ts writes today', () => {
  it('says what it wrote: every file under the output root, nothing more', () => {
    expect(manifest.files.length).toBeGreaterThan(200);
    expect(listFiles(out)).toEqual(manifest.files);
    for (const rel of manifest.variable.keys()) expect(manifest.files).toContain(rel);
  });

  it('holds, in each folder it owns, exactly the files the generator writes there', () => {
    const differ = manifest.folders.flatMap((folder) => {
      const want = listFiles(generated(folder));
      const have = listFiles(checkedIn(folder));
      const missing = want.filter((f) => !have.includes(f)).map((f) => `missing: ${posix.join(folder, f)}`);
      const extra = have.filter((f) => !want.includes(f)).map((f) => `not written by the generator: ${posix.join(folder, f)}`);
      return [...missing, ...extra];
    });
    expect(differ, REGENERATE).toEqual([]);
  });

  it('has every generated file, of the same type, link target and executable bits', () => {
    const differ = manifest.files.flatMap((rel) => {
      let have;
      try {
        have = lstatSync(checkedIn(rel));
      } catch {
        return [`missing: ${rel}`];
      }
      const want = lstatSync(generated(rel));
      if (want.isSymbolicLink() !== have.isSymbolicLink() || want.isFile() !== have.isFile()) return [`${rel}: not the same kind of file`];
      if (want.isSymbolicLink() && readlinkSync(generated(rel)) !== readlinkSync(checkedIn(rel))) return [`${rel}: links elsewhere`];
      // The generator sets no mode: files are as the umask makes them, and git keeps only the executable bit.
      if ((want.mode & 0o111) !== (have.mode & 0o111)) return [`${rel}: executable bits ${(have.mode & 0o111).toString(8)}, generated ${(want.mode & 0o111).toString(8)}`];
      return [];
    });
    expect(differ, REGENERATE).toEqual([]);
  });

  it('has the same bytes in every file the generator writes the same on every run', () => {
    const fixed = manifest.files.filter((rel) => !kindOf(rel));
    // Manifests, kcheck.args and configs, placeholder keys, copies of fixtures/snapshots, README files.
    expect(fixed.length).toBeGreaterThan(100);
    const differ = fixed.filter((rel) => !readFileSync(generated(rel)).equals(readFileSync(checkedIn(rel))));
    expect(differ, REGENERATE).toEqual([]);
  });

  it('has certificates with the same subject, issuer, serial, validity, key type and extensions, each signed by its CA', async () => {
    const certs = manifest.files.filter((rel) => kindOf(rel) === 'certificate');
    expect(certs.length).toBeGreaterThan(80);
    const differ = await eachLimited(certs, async (rel) => {
      const [want, have] = await Promise.all([certificateText(readFileSync(generated(rel), 'utf8')), certificateText(readFileSync(checkedIn(rel), 'utf8'))]);
      return want === have ? [] : [`${rel}:\n${have}\n--- generated ---\n${want}`];
    });
    expect(differ.flat(), REGENERATE).toEqual([]);
    const unsigned = certs.flatMap((rel) => [chainProblem(repoRoot, rel), chainProblem(out, rel)].filter((p): p is string => p !== null));
    expect(unsigned).toEqual([]);
    // Signed by a stranger on purpose: the same certificate, and in both trees none of the tree's CAs issued it.
    const foreign = manifest.files.filter((rel) => kindOf(rel) === 'foreign-certificate');
    const differForeign = await eachLimited(foreign, async (rel) => {
      const [want, have] = await Promise.all([certificateText(readFileSync(generated(rel), 'utf8')), certificateText(readFileSync(checkedIn(rel), 'utf8'))]);
      return want === have ? [] : [`${rel}:\n${have}\n--- generated ---\n${want}`];
    });
    expect(differForeign.flat(), REGENERATE).toEqual([]);
    for (const rel of foreign) for (const tree of [repoRoot, out]) expect(chainProblem(tree, rel), rel).toMatch(/issued by none of the tree's CAs|does not verify/);
  });

  it('has real private keys where the generator writes real ones', () => {
    const keys = manifest.files.filter((rel) => kindOf(rel) === 'private-key');
    for (const rel of keys) {
      expect(privateKeyKind(readFileSync(checkedIn(rel), 'utf8')), rel).toBe(privateKeyKind(readFileSync(generated(rel), 'utf8')));
      expect(privateKeyKind(readFileSync(checkedIn(rel), 'utf8')), rel).not.toMatch(/^(no key material|unreadable)/);
    }
  });

  it('has kubeconfigs that differ only in their certificates, each signed by the cluster CA', async () => {
    const configs = manifest.files.filter((rel) => kindOf(rel) === 'kubeconfig');
    expect(configs.length).toBeGreaterThan(30);
    const differ = await eachLimited(configs, async (rel) => {
      const [want, have] = await Promise.all([kubeconfigText(readFileSync(generated(rel), 'utf8')), kubeconfigText(readFileSync(checkedIn(rel), 'utf8'))]);
      return want === have ? [] : [`${rel}:\n${have}\n--- generated ---\n${want}`];
    });
    expect(differ.flat(), REGENERATE).toEqual([]);
    for (const tree of [repoRoot, out]) {
      for (const rel of configs) {
        const text = readFileSync(join(tree, rel), 'utf8');
        expect(parse(text)).toMatchObject({ kind: 'Config', apiVersion: 'v1' });
        const { root } = nodeRootOf(rel);
        const [ca, client] = kubeconfigCertificates(text);
        expect(ca?.pem, `${tree} ${rel}: the CA is the tree's ca.crt`).toBe(readFileSync(join(tree, root, 'etc/kubernetes/pki/ca.crt'), 'utf8'));
        expect(new X509Certificate(client!.pem).verify(new X509Certificate(ca!.pem).publicKey), `${tree} ${rel}`).toBe(true);
      }
    }
  });

  it('has etcd databases that are sound bbolt files holding the same buckets and the same keys, values and revisions', async () => {
    const databases = manifest.files.filter((rel) => kindOf(rel) === 'etcd-db');
    expect(databases.length).toBeGreaterThan(10);
    const differ: { rel: string; want: DatabaseEssence; have: DatabaseEssence }[] = [];
    for (const rel of databases) {
      const [want, have] = await Promise.all([databaseEssence(generated(rel)), databaseEssence(checkedIn(rel))]);
      expect(want.revisions.length, rel).toBeGreaterThan(0);
      expect(['ok', 'unverifiable'], rel).toContain(want.verdict);
      if (JSON.stringify(want) !== JSON.stringify(have)) differ.push({ rel, want, have });
    }
    if (differ[0]) expect(differ[0].have, `${differ[0].rel}: ${REGENERATE}`).toEqual(differ[0].want);
    expect(differ.map((d) => d.rel), REGENERATE).toEqual([]);
  });
});

import { createPrivateKey, createPublicKey, type X509Certificate } from 'node:crypto';
import { isMap, isScalar, type Node } from 'yaml';
import { composeYaml } from '../../text/yaml-compose.js';
import { HOST_FILE_MAX_BYTES } from '../open-file.js';
import { type NodeRoot, orGap } from '../root/node-root.js';
import type { ScanGap } from '../types.js';
import { KUBEADM_CERTIFICATES, kubeadmCa, kubeadmPaths, type KubeadmCertificate } from './kubeadm-pki.js';
import { oneLine, x509Blocks } from './pem.js';
import type { KubeadmPkiEntry, KeyVerdict } from './types.js';

/** What one kubeadm entry's files hold, read once; key material never leaves this module. */
interface Loaded {
  /** The certificate kubeadm reads: the first of the file (renewal/readwriter.go:80-89), or of the current context's client-certificate-data (readwriter.go:131-188). */
  certificate: X509Certificate | null;
  /** The private key PEM text beside it, dropped as soon as it is compared. */
  keyText: string | null;
  keyWhere: string | null;
}

/**
 * For each certificate `kubeadm certs check-expiration` lists: whether it
 * exists as kubeadm tests it (the .crt or kubeconfig is there and is not a
 * folder, renewal/readwriter.go:62-77), whether its private key holds the
 * public key of the certificate, and whether one of the certificates in the
 * CA file kubeadm signs it with issued it. Keys are compared in memory as
 * SubjectPublicKeyInfo (what `openssl pkey -pubout` and `openssl x509
 * -pubkey` print) and never kept, printed or copied.
 */
export async function checkKubeadmPki(root: NodeRoot, gaps: ScanGap[]): Promise<KubeadmPkiEntry[]> {
  const cas = new Map<string, X509Certificate[] | null>();
  const caCertificates = async (name: 'ca' | 'etcd-ca' | 'front-proxy-ca'): Promise<X509Certificate[] | null> => {
    if (!cas.has(name)) {
      const text = await readText(root, kubeadmPaths(kubeadmCa(name)).certificate, 'a certificate file', gaps, false);
      cas.set(name, text === null ? null : x509Blocks(text));
    }
    return cas.get(name)!;
  };
  const entries: KubeadmPkiEntry[] = [];
  for (const c of KUBEADM_CERTIFICATES) {
    const paths = kubeadmPaths(c);
    const entry: KubeadmPkiEntry = {
      name: c.name,
      kind: c.kind,
      ca: c.ca,
      localEtcdOnly: c.localEtcdOnly,
      path: paths.certificate,
      file: root.display(paths.certificate),
      exists: await exists(root, paths.certificate, gaps),
    };
    entries.push(entry);
    if (!entry.exists) continue;
    const loaded = await load(root, c, gaps);
    if (!loaded.certificate) continue;
    if (loaded.keyWhere) entry.key = { path: loaded.keyWhere, file: c.kind === 'pki' ? root.display(loaded.keyWhere) : entry.file, ...compareKey(loaded.certificate, loaded.keyText) };
    if (c.ca) {
      const issuers = await caCertificates(c.ca);
      const caPath = kubeadmPaths(kubeadmCa(c.ca)).certificate;
      entry.issuer = { ca: c.ca, path: caPath, verdict: issuers === null || issuers.length === 0 ? 'ca-unreadable' : signedByAny(loaded.certificate, issuers) ? 'signed' : 'not-signed' };
      if (issuers !== null && issuers.length > 0 && entry.issuer.verdict === 'not-signed') entry.issuer.expected = issuers.map((ca) => oneLine(ca.subject));
      entry.issuer.actual = oneLine(loaded.certificate.issuer);
    }
  }
  return entries;
}

/** As kubeadm's fileExists: present and not a folder; a stat that fails otherwise is a gap. */
async function exists(root: NodeRoot, path: string, gaps: ScanGap[]): Promise<boolean> {
  return (await orGap(root, path, gaps, ['certificates'], async () => !(await root.stat(path)).isDirectory())) ?? false;
}

/** A bounded read confined to the root; null when missing (silently when `missingIsGap` is false) or unreadable (a gap). */
function readText(root: NodeRoot, path: string, what: string, gaps: ScanGap[], missingIsGap: boolean): Promise<string | null> {
  return orGap(root, path, gaps, ['certificates'], async () => (await root.readFile(path, { limit: HOST_FILE_MAX_BYTES, what })).toString('utf8'), missingIsGap);
}

async function load(root: NodeRoot, c: KubeadmCertificate, gaps: ScanGap[]): Promise<Loaded> {
  const paths = kubeadmPaths(c);
  // Unreadable files were already named as gaps by the certificate reader (certificates.ts); this reads them again for the pairings only.
  const text = await readText(root, paths.certificate, c.kind === 'pki' ? 'a certificate file' : 'a kubeconfig', [], false);
  if (text === null) return { certificate: null, keyText: null, keyWhere: null };
  if (c.kind === 'pki') {
    const certificate = x509Blocks(text)[0] ?? null;
    // A missing key is not this check's question: a CA without its key is "externally managed" to kubeadm (renewal/manager.go:398-422).
    const keyText = certificate ? await readText(root, paths.key!, 'a private key file', gaps, false) : null;
    return { certificate, keyText, keyWhere: keyText === null ? null : paths.key };
  }
  const user = currentUser(text);
  const certificate = user?.certificate ? x509Blocks(user.certificate)[0] ?? null : null;
  return { certificate, keyText: user?.key ?? null, keyWhere: user?.key ? `${paths.certificate} (client-key-data of user ${user.name})` : null };
}

/**
 * The client certificate and key of the kubeconfig's current context, the
 * user kubeadm reads (renewal/readwriter.go:151-181); null when the
 * kubeconfig cannot be read that way (the certificate reader reports why).
 */
export function currentUser(text: string): { name: string; certificate: string | null; key: string | null; certificateFile: string | null } | null {
  let doc: Node | null | undefined;
  try {
    const composed = composeYaml(text);
    if (composed.docs.length !== 1 || composed.docs[0]!.errors.length > 0) return null;
    doc = composed.docs[0]!.contents;
  } catch {
    return null;
  }
  if (!isMap(doc)) return null;
  const str = (n: unknown): string | null => (isScalar(n) && typeof n.value === 'string' ? n.value : null);
  const list = (key: string) => {
    const v = doc.get(key, true);
    return v && 'items' in v && Array.isArray(v.items) ? (v.items as unknown[]).filter(isMap) : [];
  };
  const current = str(doc.get('current-context', true));
  const context = list('contexts').find((c) => str(c.get('name', true)) === current);
  const inner = context?.get('context', true);
  const userName = isMap(inner) ? str(inner.get('user', true)) : null;
  if (userName === null) return null;
  const user = list('users').find((u) => str(u.get('name', true)) === userName)?.get('user', true);
  if (!isMap(user)) return null;
  const decode = (field: string): string | null => {
    const v = str(user.get(field, true));
    return v === null ? null : Buffer.from(v, 'base64').toString('utf8');
  };
  return { name: userName, certificate: decode('client-certificate-data'), key: decode('client-key-data'), certificateFile: str(user.get('client-certificate', true)) };
}

const PRIVATE_KEY = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----/;

/** The key's public half against the certificate's, as DER SubjectPublicKeyInfo. */
function compareKey(certificate: X509Certificate, keyText: string | null): KeyVerdict {
  if (keyText === null) return { verdict: 'not-pem' };
  if (!PRIVATE_KEY.test(keyText)) return { verdict: 'not-pem' };
  let spki: Buffer;
  try {
    spki = createPublicKey(createPrivateKey({ key: keyText, format: 'pem' })).export({ type: 'spki', format: 'der' });
  } catch (err) {
    // OpenSSL's reason (e.g. "bad decrypt", "unsupported"); it never holds key bytes.
    return { verdict: 'unreadable', reason: err instanceof Error ? err.message.split('\n')[0]! : String(err) };
  }
  return { verdict: spki.equals(certificate.publicKey.export({ type: 'spki', format: 'der' })) ? 'matches' : 'differs' };
}

/**
 * Issued by one of the CA file's certificates: the issuer's name (and key
 * identifier) match and its key verifies the signature, what `openssl verify
 * -CAfile` checks of a chain of one. A peer that trusts the CA file trusts
 * any certificate in it, so a bundle (a CA rotation in progress) counts.
 */
function signedByAny(certificate: X509Certificate, issuers: X509Certificate[]): boolean {
  return issuers.some((ca) => certificate.checkIssued(ca) && certificate.verify(ca.publicKey));
}

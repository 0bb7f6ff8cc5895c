import { readdir, readFile, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { describeFsError } from '../manifests/fs-errors.js';
import type { ParseProblem, ScanGap } from '../types.js';
import { isMissing, underRoot } from './paths.js';
import { readPemCertificates } from './pem.js';
import type { CertificateFile } from './types.js';

/** kubeadm's certificate folder and where it writes kubeconfigs (admin.conf, controller-manager.conf, ...). */
const PKI = '/etc/kubernetes/pki';
const KUBECONFIG_DIR = '/etc/kubernetes';

/** Files that hold certificates; keys (.key), public keys (.pub) and requests (.csr) are not read. */
const CERTIFICATE_FILE = /\.(crt|cert|pem)$/;

export interface CertificatesRead {
  pkiFound: boolean;
  certificates: CertificateFile[];
}

interface Sink {
  gaps: ScanGap[];
  problems: ParseProblem[];
}

/**
 * Every certificate under the root's /etc/kubernetes/pki (recursively) and
 * embedded in /etc/kubernetes/*.conf kubeconfigs: what `kubeadm certs
 * check-expiration` looks at.
 */
export async function readCertificates(root: string, sink: Sink): Promise<CertificatesRead> {
  const certificates: CertificateFile[] = [];
  const pki = underRoot(root, PKI);
  let pkiFound = false;
  try {
    pkiFound = (await stat(pki)).isDirectory();
  } catch (err) {
    if (!isMissing(err)) sink.gaps.push({ what: pki, reason: `cannot read: ${describeFsError(err)}`, affects: ['certificates'] });
  }
  if (pkiFound) await walkPki(root, PKI, certificates, sink);
  await readKubeconfigs(root, certificates, sink);
  return { pkiFound, certificates };
}

async function walkPki(root: string, dir: string, into: CertificateFile[], sink: Sink): Promise<void> {
  const folder = underRoot(root, dir);
  let names: string[];
  try {
    names = (await readdir(folder)).sort();
  } catch (err) {
    sink.gaps.push({ what: folder, reason: `cannot read: ${describeFsError(err)}`, affects: ['certificates'] });
    return;
  }
  for (const name of names) {
    const path = posix.join(dir, name);
    const file = underRoot(root, path);
    let info;
    try {
      info = await stat(file);
    } catch (err) {
      sink.gaps.push({ what: file, reason: `cannot read: ${describeFsError(err)}`, affects: ['certificates'] });
      continue;
    }
    if (info.isDirectory()) await walkPki(root, path, into, sink);
    else if (info.isFile() && CERTIFICATE_FILE.test(name)) await readCertificateFile(path, file, into, sink);
  }
}

async function readCertificateFile(path: string, file: string, into: CertificateFile[], sink: Sink): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    sink.gaps.push({ what: file, reason: `cannot read: ${describeFsError(err)}`, affects: ['certificates'] });
    return;
  }
  const { certificates, problems } = readPemCertificates(text);
  for (const c of certificates) into.push({ path, file, ...c });
  for (const p of problems) sink.problems.push({ provenance: { type: 'file', file, line: p.line, column: 1 }, message: p.message });
}

async function readKubeconfigs(root: string, into: CertificateFile[], sink: Sink): Promise<void> {
  const folder = underRoot(root, KUBECONFIG_DIR);
  let names: string[];
  try {
    names = (await readdir(folder)).filter((n) => n.endsWith('.conf')).sort();
  } catch (err) {
    if (!isMissing(err)) sink.gaps.push({ what: folder, reason: `cannot read: ${describeFsError(err)}`, affects: ['certificates'] });
    return;
  }
  for (const name of names) {
    const path = posix.join(KUBECONFIG_DIR, name);
    const file = underRoot(root, path);
    let text: string;
    try {
      if (!(await stat(file)).isFile()) continue;
      text = await readFile(file, 'utf8');
    } catch (err) {
      sink.gaps.push({ what: file, reason: `cannot read: ${describeFsError(err)}`, affects: ['certificates'] });
      continue;
    }
    readKubeconfig(text, path, file, into, sink);
  }
}

/** The certificates a kubeconfig embeds (`client-certificate-data`, `certificate-authority-data`: base64 of PEM). */
function readKubeconfig(text: string, path: string, file: string, into: CertificateFile[], sink: Sink): void {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    sink.problems.push({
      provenance: { type: 'file', file, line: lines.linePos(err.pos[0]).line, column: 1 },
      message: `kubeconfig is not valid YAML: ${err.message.split('\n')[0]}`,
    });
    return;
  }
  const config = doc.toJS() as { users?: unknown; clusters?: unknown } | null;
  const entries: { list: 'users' | 'clusters'; inner: 'user' | 'cluster'; field: 'client-certificate-data' | 'certificate-authority-data' }[] = [
    { list: 'users', inner: 'user', field: 'client-certificate-data' },
    { list: 'clusters', inner: 'cluster', field: 'certificate-authority-data' },
  ];
  for (const { list, inner, field } of entries) {
    const items = Array.isArray(config?.[list]) ? (config[list] as unknown[]) : [];
    items.forEach((item, i) => {
      const entry = item as { name?: unknown; [k: string]: unknown };
      const data = (entry?.[inner] as Record<string, unknown> | undefined)?.[field];
      if (typeof data !== 'string') return;
      const line = lineOf(doc, lines, [list, i, inner, field]);
      const pem = Buffer.from(data, 'base64').toString('utf8');
      const { certificates, problems } = readPemCertificates(pem);
      const name = typeof entry.name === 'string' ? entry.name : `#${i + 1}`;
      if (certificates.length === 0 && problems.length === 0) {
        sink.problems.push({ provenance: { type: 'file', file, line, column: 1 }, message: `${list} ${name}: ${field} holds no PEM certificate` });
      }
      for (const c of certificates) into.push({ path, file, ...c, line, embedded: { field, entry: name } });
      for (const p of problems) sink.problems.push({ provenance: { type: 'file', file, line, column: 1 }, message: `${list} ${name}: ${field}: ${p.message}` });
    });
  }
}

function lineOf(doc: Document, lines: LineCounter, path: (string | number)[]): number {
  const node = doc.getIn(path, true);
  return isNode(node) && node.range ? lines.linePos(node.range[0]).line : 1;
}

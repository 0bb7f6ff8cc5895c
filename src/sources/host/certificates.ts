import { posix } from 'node:path';
import { isNode, YAMLParseError, type Document, type LineCounter } from 'yaml';
import { composeYaml, TooDeepError } from '../../text/yaml-compose.js';
import { HOST_FILE_MAX_BYTES } from '../open-file.js';
import { NodeRoot, orGap, rootReason } from '../root/node-root.js';
import type { ParseProblem, ScanGap } from '../types.js';
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
 * check-expiration` looks at. Links are followed inside the root only, and
 * a folder reached twice (a link back up the tree) is walked once.
 */
export async function readCertificates(root: NodeRoot, sink: Sink): Promise<CertificatesRead> {
  const certificates: CertificateFile[] = [];
  const pkiFound = (await orGap(root, PKI, sink.gaps, ['certificates'], async () => (await root.stat(PKI)).isDirectory())) ?? false;
  if (pkiFound) await walkPki(root, PKI, certificates, sink, new Set());
  await readKubeconfigs(root, certificates, sink);
  return { pkiFound, certificates };
}

async function walkPki(root: NodeRoot, dir: string, into: CertificateFile[], sink: Sink, visited: Set<string>): Promise<void> {
  let names: string[];
  try {
    const info = await root.stat(dir);
    const folder = `${info.dev}:${info.ino}`;
    if (visited.has(folder)) return;
    visited.add(folder);
    names = (await root.list(dir)).sort();
  } catch (err) {
    sink.gaps.push({ what: root.display(dir), reason: `cannot read: ${rootReason(err)}`, affects: ['certificates'] });
    return;
  }
  for (const name of names) {
    const path = posix.join(dir, name);
    let info;
    try {
      info = await root.stat(path);
    } catch (err) {
      sink.gaps.push({ what: root.display(path), reason: `cannot read: ${rootReason(err)}`, affects: ['certificates'] });
      continue;
    }
    if (info.isDirectory()) await walkPki(root, path, into, sink, visited);
    else if (CERTIFICATE_FILE.test(name)) await readCertificateFile(root, path, into, sink);
  }
}

async function readCertificateFile(root: NodeRoot, path: string, into: CertificateFile[], sink: Sink): Promise<void> {
  const file = root.display(path);
  let text: string;
  try {
    text = (await root.readFile(path, { limit: HOST_FILE_MAX_BYTES, what: 'a certificate file' })).toString('utf8');
  } catch (err) {
    sink.gaps.push({ what: file, reason: `cannot read: ${rootReason(err)}`, affects: ['certificates'] });
    return;
  }
  const { certificates, problems } = readPemCertificates(text);
  for (const c of certificates) into.push({ path, file, ...c });
  for (const p of problems) sink.problems.push({ provenance: { type: 'file', file, line: p.line, column: 1 }, message: p.message });
}

async function readKubeconfigs(root: NodeRoot, into: CertificateFile[], sink: Sink): Promise<void> {
  const names = await orGap(root, KUBECONFIG_DIR, sink.gaps, ['certificates'], async () => (await root.list(KUBECONFIG_DIR)).filter((n) => n.endsWith('.conf')).sort());
  if (names === null) return;
  for (const name of names) {
    const path = posix.join(KUBECONFIG_DIR, name);
    const file = root.display(path);
    let text: string;
    try {
      if ((await root.stat(path)).isDirectory()) continue;
      text = (await root.readFile(path, { limit: HOST_FILE_MAX_BYTES, what: 'a kubeconfig' })).toString('utf8');
    } catch (err) {
      sink.gaps.push({ what: file, reason: `cannot read: ${rootReason(err)}`, affects: ['certificates'] });
      continue;
    }
    readKubeconfig(text, path, file, into, sink);
  }
}

/** The certificates a kubeconfig embeds (`client-certificate-data`, `certificate-authority-data`: base64 of PEM). */
function readKubeconfig(text: string, path: string, file: string, into: CertificateFile[], sink: Sink): void {
  // Composed with the manifest reader's depth limit: a kubeconfig nested a thousand levels deep is a problem here, not a crash.
  let composed: ReturnType<typeof composeYaml>;
  try {
    composed = composeYaml(text);
  } catch (err) {
    if (!(err instanceof TooDeepError)) throw err;
    sink.problems.push({ provenance: { type: 'file', file, line: 1, column: 1 }, message: `kubeconfig is not valid YAML: ${err.message}` });
    return;
  }
  const { docs, lines } = composed;
  const doc = docs[0] ?? composeYaml('{}').docs[0]!;
  if (docs.length > 1) doc.errors.unshift(new YAMLParseError([docs[1]!.range[0], docs[1]!.range[0] + 1], 'MULTIPLE_DOCS', 'a kubeconfig is one YAML document'));
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    sink.problems.push({
      provenance: { type: 'file', file, line: lines.linePos(err.pos[0]).line, column: 1 },
      message: `kubeconfig is not valid YAML: ${err.message.split('\n')[0]}`,
    });
    return;
  }
  let config: { users?: unknown; clusters?: unknown } | null;
  try {
    config = doc.toJS() as typeof config;
  } catch (err) {
    // An alias to no anchor, or aliases expanding past the `yaml` package's limit: kubectl cannot read such a kubeconfig either.
    sink.problems.push({ provenance: { type: 'file', file, line: 1, column: 1 }, message: `kubeconfig is not valid YAML: ${(err as Error).message.split('\n')[0]}` });
    return;
  }
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

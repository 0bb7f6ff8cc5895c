import { isIPv4, isIPv6 } from 'node:net';
import { HOST_FILE_MAX_BYTES } from '../open-file.js';
import { type NodeRoot, orGap } from '../root/node-root.js';
import type { ScanGap } from '../types.js';
import { KUBEADM_CERTIFICATES, kubeadmPaths } from './kubeadm-pki.js';
import { x509Blocks } from './pem.js';
import type { ApiserverSans } from './types.js';

/**
 * The subjectAltName of the kube-apiserver's serving certificate (the first
 * certificate of pki/apiserver.crt, the one kube-apiserver serves with
 * --tls-cert-file), as `openssl x509 -noout -ext subjectAltName` lists it:
 * DNS names and IP addresses. Null when the file is missing or holds no
 * readable certificate (certificate-missing and certificate-expiry say so).
 */
export async function readApiserverSans(root: NodeRoot, gaps: ScanGap[]): Promise<ApiserverSans | null> {
  const path = kubeadmPaths(KUBEADM_CERTIFICATES.find((c) => c.name === 'apiserver')!).certificate;
  const text = await orGap(root, path, gaps, ['certificates'], async () => (await root.readFile(path, { limit: HOST_FILE_MAX_BYTES, what: 'a certificate file' })).toString('utf8'));
  if (text === null) return null;
  const certificate = x509Blocks(text)[0];
  if (!certificate) return null;
  return { path, file: root.display(path), ...parseSubjectAltName(certificate.subjectAltName ?? '') };
}

/**
 * node:crypto's subjectAltName text: `DNS:kubernetes, IP Address:10.96.0.1`,
 * a value holding a comma or quote written as a JSON string
 * (https://nodejs.org/api/crypto.html#x509subjectaltname). Other kinds
 * (email, URI) are not TLS server names and are left out.
 */
function parseSubjectAltName(text: string): { dns: string[]; ips: string[] } {
  const dns: string[] = [];
  const ips: string[] = [];
  for (const m of text.matchAll(/(DNS|IP Address|[A-Za-z ]+):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/g)) {
    const raw = m[2]!;
    const value = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
    if (m[1] === 'DNS') dns.push(value);
    else if (m[1] === 'IP Address') ips.push(canonicalIp(value) ?? value);
  }
  return { dns, ips };
}

/**
 * One spelling per address, so that 10.0.0.010 (Go's ParseIPSloppy reads
 * leading zeros as decimal) and fd00::1 / FD00:0:0:0:0:0:0:1 (node's
 * spelling) compare equal. Null when it is no IP address.
 */
export function canonicalIp(text: string): string | null {
  const sloppy = /^\d{1,3}(\.\d{1,3}){3}$/.test(text) ? text.split('.').map((p) => String(Number(p))).join('.') : text;
  if (isIPv4(sloppy)) return sloppy;
  if (!isIPv6(text)) return null;
  const v6 = new URL(`http://[${text}]/`).hostname.slice(1, -1);
  // Go writes an IPv4-mapped address (::ffff:a.b.c.d) as its 4 bytes (crypto/x509 marshalSANs: ip.To4()).
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
  if (mapped) {
    const [hi, lo] = [parseInt(mapped[1]!, 16), parseInt(mapped[2]!, 16)];
    return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
  }
  return v6;
}

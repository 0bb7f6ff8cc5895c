import { X509Certificate } from 'node:crypto';

export interface PemCertificate {
  /** 1-based line of `-----BEGIN CERTIFICATE-----` in the text (or of the kubeconfig field holding it). */
  line: number;
  /** Position in a bundle holding several certificates (0 for the first). */
  index: number;
  subject: string;
  issuer: string;
  /** ISO 8601. */
  notBefore: string;
  notAfter: string;
  isCA: boolean;
  fingerprint256: string;
}

export interface PemProblem {
  line: number;
  message: string;
}

const BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * Every CERTIFICATE block of a PEM text (a bundle may hold several), parsed
 * with node:crypto. Other blocks (keys) are ignored and never kept.
 */
export function readPemCertificates(text: string): { certificates: PemCertificate[]; problems: PemProblem[] } {
  const certificates: PemCertificate[] = [];
  const problems: PemProblem[] = [];
  let index = 0;
  let line = 1;
  let counted = 0;
  for (const match of text.matchAll(BLOCK)) {
    for (let at = text.indexOf('\n', counted); at !== -1 && at < match.index; at = text.indexOf('\n', at + 1)) line += 1;
    counted = match.index;
    try {
      const x509 = new X509Certificate(match[0]);
      const notBefore = new Date(x509.validFrom);
      const notAfter = new Date(x509.validTo);
      if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) {
        problems.push({ line, message: `certificate ${index + 1} has validity dates that cannot be read ("${x509.validFrom}", "${x509.validTo}")` });
      } else {
        certificates.push({
          line,
          index,
          subject: oneLine(x509.subject),
          issuer: oneLine(x509.issuer),
          notBefore: notBefore.toISOString(),
          notAfter: notAfter.toISOString(),
          isCA: x509.ca,
          fingerprint256: x509.fingerprint256,
        });
      }
    } catch (err) {
      problems.push({ line, message: `certificate ${index + 1} is not a valid X.509 certificate: ${err instanceof Error ? err.message : String(err)}` });
    }
    index += 1;
  }
  return { certificates, problems };
}

/** node:crypto prints a distinguished name one attribute per line. */
export function oneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ');
}

/** The CERTIFICATE blocks of a PEM text that node:crypto can parse, in order; the others are reported by readPemCertificates. */
export function x509Blocks(text: string): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const match of text.matchAll(BLOCK)) {
    try {
      out.push(new X509Certificate(match[0]));
    } catch {
      // Named as a problem, with its line, by readPemCertificates on the same text.
    }
  }
  return out;
}

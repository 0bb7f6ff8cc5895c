/**
 * Writes the node-root fixtures of certificate-missing, certificate-key-mismatch,
 * certificate-wrong-issuer and kubelet-client-certificate (fixtures/rules/<id>/...) with openssl:
 *
 *   node_modules/.bin/tsx test/certificates/make-fixtures.ts
 *
 * Run from the repository root; it rewrites the folders it owns. Each is a
 * kubeadm control-plane node: the static pods of test/etcd/node-layout.ts,
 * etcd's database copied from the certificate-expiry fixture, and a pki made
 * by test/etcd/pki.ts. Only the key-mismatch fixtures hold real private keys
 * (throwaway EC P-256 keys made for them: the rule compares keys); the others
 * carry the placeholder line, as every other fixture does.
 * test/certificates/fixtures-fresh.test.ts regenerates them into a temp dir
 * and compares.
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WIRINGS, writeManifests } from '../etcd/node-layout.js';
import { makeKubeadmPki, type PkiOptions } from '../etcd/pki.js';

const DB = 'var/lib/etcd/member/snap/db';
/** etcd's database as the etcd fixture generator (test/etcd/make-fixtures.ts) restored it for the certificate rules. */
const DB_SOURCE = 'fixtures/rules/certificate-expiry/pass-all-valid';

/** Every fixture folder this generator owns, and the pki it holds. */
export const CERTIFICATE_FIXTURES: Record<string, PkiOptions> = {
  'certificate-missing/fail-front-proxy-client-missing': { keys: 'placeholder', omit: ['front-proxy-client.crt', 'front-proxy-client.key'] },
  'certificate-missing/fail-super-admin-conf-missing': { keys: 'placeholder', omit: ['super-admin.conf'] },
  'certificate-missing/pass-all-present': { keys: 'placeholder' },
  'certificate-key-mismatch/fail-apiserver-key-replaced': { keys: 'real', mismatchedKey: ['apiserver'] },
  'certificate-key-mismatch/fail-admin-conf-key-replaced': { keys: 'real', mismatchedKey: ['admin.conf'] },
  'certificate-key-mismatch/pass-keys-match': { keys: 'real' },
  'certificate-wrong-issuer/fail-apiserver-signed-by-another-ca': { keys: 'placeholder', foreignIssuer: { apiserver: 'same-name' } },
  'certificate-wrong-issuer/fail-scheduler-conf-signed-by-another-ca': { keys: 'placeholder', foreignIssuer: { 'scheduler.conf': 'other-name' } },
  'certificate-wrong-issuer/pass-all-signed': { keys: 'placeholder' },
  'kubelet-client-certificate/fail-embedded-client-certificate': { keys: 'placeholder', kubelet: { mode: 'embedded' } },
  'kubelet-client-certificate/fail-rotated-certificate-expired': {
    keys: 'placeholder',
    kubelet: { mode: 'file', validity: { notBefore: '2025-10-01T00:00:00Z', notAfter: '2026-10-01T00:00:00Z' } },
  },
  'kubelet-client-certificate/pass-rotation-wired': {
    keys: 'placeholder',
    kubelet: { mode: 'file', validity: { notBefore: '2026-09-01T00:00:00Z', notAfter: '2027-09-01T00:00:00Z' } },
  },
};

/** Writes every fixture under `root`/fixtures/rules, reading etcd's database from `repo`. */
export function makeCertificateFixtures(root: string, repo: string): string[] {
  const written: string[] = [];
  for (const [name, pki] of Object.entries(CERTIFICATE_FIXTURES)) {
    const dir = join(root, 'fixtures/rules', name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeManifests(dir, WIRINGS.kubeadmDefault, 'written by test/certificates/make-fixtures.ts');
    mkdirSync(dirname(join(dir, DB)), { recursive: true });
    copyFileSync(join(repo, DB_SOURCE, DB), join(dir, DB));
    makeKubeadmPki(dir, pki);
    written.push(dir);
  }
  return written;
}

// Run as a script: rewrite the repository's folders, from its root.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  makeCertificateFixtures(process.cwd(), process.cwd());
}

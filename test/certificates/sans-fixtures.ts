/**
 * Writes the node-root fixtures of apiserver-certificate-sans
 * (fixtures/rules/apiserver-certificate-sans/...) with openssl:
 *
 *   node_modules/.bin/tsx test/certificates/sans-fixtures.ts
 *
 * Each is the kubeadm control-plane node of test/certificates/make-fixtures.ts
 * (static pods with --advertise-address=10.0.0.10, a pki from
 * test/etcd/pki.ts) with /etc/kubernetes/kubeadm-config.yaml naming a
 * controlPlaneEndpoint, the service subnet and a certSAN; the apiserver
 * certificate carries the SANs kubeadm v1.35.4 writes for it (as
 * test/certificates/sans.test.ts has kubeadm write them), or fewer.
 * test/certificates/sans.test.ts regenerates them into a temp dir and compares.
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WIRINGS, writeFile, writeManifests } from '../etcd/node-layout.js';
import { makeKubeadmPki } from '../etcd/pki.js';

const DB = 'var/lib/etcd/member/snap/db';
const DB_SOURCE = 'fixtures/rules/certificate-expiry/pass-all-valid';

const FIXTURE_KUBEADM_CONFIG = `apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.31.4
controlPlaneEndpoint: k8s-api.example.internal:6443
networking:
  serviceSubnet: 10.96.0.0/12
  dnsDomain: cluster.local
apiServer:
  certSANs:
  - 10.0.0.100
`;

/** What `kubeadm init phase certs apiserver` writes for node controlplane with that configuration. */
const KUBEADM_SANS = [
  'DNS:controlplane', 'DNS:k8s-api.example.internal', 'DNS:kubernetes', 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc',
  'DNS:kubernetes.default.svc.cluster.local', 'IP:10.96.0.1', 'IP:10.0.0.10', 'IP:10.0.0.100',
];

/** Every fixture folder this generator owns, and the SANs of its apiserver.crt. */
export const SANS_FIXTURES: Record<string, string[]> = {
  'apiserver-certificate-sans/pass-kubeadm-sans': KUBEADM_SANS,
  // Made before the load balancer and on the node's old address (10.0.0.9).
  'apiserver-certificate-sans/fail-endpoint-and-advertise-address-missing': [
    ...KUBEADM_SANS.filter((s) => s !== 'DNS:k8s-api.example.internal' && s !== 'IP:10.0.0.10'),
    'IP:10.0.0.9',
  ],
};

/** Writes every fixture under `root`/fixtures/rules, reading etcd's database from `repo`. */
export function makeSansFixtures(root: string, repo: string): string[] {
  return Object.entries(SANS_FIXTURES).map(([name, sans]) => {
    const dir = join(root, 'fixtures/rules', name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeManifests(dir, WIRINGS.kubeadmDefault, 'written by test/certificates/sans-fixtures.ts');
    writeFile(dir, 'etc/kubernetes/kubeadm-config.yaml', FIXTURE_KUBEADM_CONFIG);
    mkdirSync(dirname(join(dir, DB)), { recursive: true });
    copyFileSync(join(repo, DB_SOURCE, DB), join(dir, DB));
    makeKubeadmPki(dir, { keys: 'placeholder', apiserverSans: sans });
    return dir;
  });
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  makeSansFixtures(process.cwd(), process.cwd());
}

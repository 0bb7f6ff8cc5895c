import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A certificate's validity, ISO 8601 instants. */
interface Validity {
  notBefore: string;
  notAfter: string;
}

/** The certificates kubeadm writes, by the names `kubeadm certs check-expiration` prints. */
type KubeadmCertName =
  | 'ca' | 'etcd-ca' | 'front-proxy-ca'
  | 'apiserver' | 'apiserver-kubelet-client' | 'apiserver-etcd-client' | 'front-proxy-client'
  | 'etcd-server' | 'etcd-peer' | 'etcd-healthcheck-client'
  | 'admin.conf' | 'super-admin.conf' | 'controller-manager.conf' | 'scheduler.conf';

interface CertPlan {
  name: KubeadmCertName;
  subject: string;
  ca: 'self' | 'ca' | 'etcd-ca' | 'front-proxy-ca';
  /** Under /etc/kubernetes/pki, or the kubeconfig under /etc/kubernetes. */
  pki?: string;
  kubeconfig?: { user: string };
}

/** What kubeadm init writes (cmd/kubeadm/app/phases/certs/certlist.go, phases/kubeconfig). */
const PLAN: CertPlan[] = [
  { name: 'ca', subject: '/CN=kubernetes', ca: 'self', pki: 'ca' },
  { name: 'etcd-ca', subject: '/CN=etcd-ca', ca: 'self', pki: 'etcd/ca' },
  { name: 'front-proxy-ca', subject: '/CN=front-proxy-ca', ca: 'self', pki: 'front-proxy-ca' },
  { name: 'apiserver', subject: '/CN=kube-apiserver', ca: 'ca', pki: 'apiserver' },
  { name: 'apiserver-kubelet-client', subject: '/O=kubeadm:cluster-admins/CN=kube-apiserver-kubelet-client', ca: 'ca', pki: 'apiserver-kubelet-client' },
  { name: 'apiserver-etcd-client', subject: '/CN=kube-apiserver-etcd-client', ca: 'etcd-ca', pki: 'apiserver-etcd-client' },
  { name: 'front-proxy-client', subject: '/CN=front-proxy-client', ca: 'front-proxy-ca', pki: 'front-proxy-client' },
  { name: 'etcd-server', subject: '/CN=controlplane', ca: 'etcd-ca', pki: 'etcd/server' },
  { name: 'etcd-peer', subject: '/CN=controlplane', ca: 'etcd-ca', pki: 'etcd/peer' },
  { name: 'etcd-healthcheck-client', subject: '/CN=kube-etcd-healthcheck-client', ca: 'etcd-ca', pki: 'etcd/healthcheck-client' },
  { name: 'admin.conf', subject: '/O=kubeadm:cluster-admins/CN=kubernetes-admin', ca: 'ca', kubeconfig: { user: 'kubernetes-admin' } },
  { name: 'super-admin.conf', subject: '/O=system:masters/CN=kubernetes-super-admin', ca: 'ca', kubeconfig: { user: 'kubernetes-super-admin' } },
  { name: 'controller-manager.conf', subject: '/CN=system:kube-controller-manager', ca: 'ca', kubeconfig: { user: 'system:kube-controller-manager' } },
  { name: 'scheduler.conf', subject: '/CN=system:kube-scheduler', ca: 'ca', kubeconfig: { user: 'system:kube-scheduler' } },
];

export interface PkiOptions {
  /** Validity of named certificates; the rest get `leaves` (or `authorities` for CAs). */
  validity?: Partial<Record<KubeadmCertName, Validity>>;
  leaves?: Validity;
  authorities?: Validity;
  /** Files under /etc/kubernetes/pki not to write, e.g. 'etcd/server.key'. */
  omit?: string[];
  /**
   * Fixtures committed to the repository carry no key material: kcheck only
   * checks that key files exist, so they hold a line saying so.
   */
  keys?: 'real' | 'placeholder';
}

const DEFAULT_LEAVES: Validity = { notBefore: '2026-01-10T00:00:00Z', notAfter: '2027-01-10T00:00:00Z' };
const DEFAULT_AUTHORITIES: Validity = { notBefore: '2026-01-10T00:00:00Z', notAfter: '2036-01-08T00:00:00Z' };
const PLACEHOLDER_KEY = 'fixture: kcheck only checks that this key file exists; no key material is kept in the repository\n';

const CONFIG = `[ ca ]
default_ca = kc
[ kc ]
database = index.txt
new_certs_dir = issued
serial = serial
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[ any ]
organizationName = optional
commonName = supplied
[ v3_ca ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,digitalSignature,keyEncipherment,keyCertSign
subjectKeyIdentifier = hash
[ v3_leaf ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
`;

/** openssl ca takes `YYYYMMDDHHMMSSZ`. */
const opensslTime = (iso: string) => `${iso.replace(/[-:]/g, '').replace(/\.\d+/, '').replace('T', '')}`;

function openssl(cwd: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args.slice(0, 2).join(' ')} failed: ${stderr || (error as Error).message}`);
  }
}

/**
 * A kubeadm control-plane PKI under `root`: /etc/kubernetes/pki with the three
 * CAs and their certificates, and admin.conf, super-admin.conf,
 * controller-manager.conf and scheduler.conf with embedded client
 * certificates, each valid when `options` says (openssl ca sets any dates).
 */
export function makeKubeadmPki(root: string, options: PkiOptions = {}): void {
  const work = mkdtempSync(join(tmpdir(), 'kcheck-pki-'));
  try {
    writeFileSync(join(work, 'ca.cnf'), CONFIG);
    writeFileSync(join(work, 'index.txt'), '');
    writeFileSync(join(work, 'serial'), '1000\n');
    mkdirSync(join(work, 'issued'));
    const pem = new Map<string, string>();
    for (const plan of PLAN) {
      const validity = options.validity?.[plan.name] ?? (plan.ca === 'self' ? options.authorities ?? DEFAULT_AUTHORITIES : options.leaves ?? DEFAULT_LEAVES);
      const key = `${plan.name}.key`;
      openssl(work, ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', `${plan.name}.csr`, '-subj', plan.subject]);
      const signer = plan.ca === 'self' ? ['-selfsign', '-keyfile', key] : ['-cert', `${plan.ca}.crt`, '-keyfile', `${plan.ca}.key`];
      openssl(work, [
        'ca', '-batch', '-config', 'ca.cnf', ...signer, '-in', `${plan.name}.csr`, '-out', `${plan.name}.crt`,
        '-startdate', opensslTime(validity.notBefore), '-enddate', opensslTime(validity.notAfter),
        '-extensions', plan.ca === 'self' ? 'v3_ca' : 'v3_leaf', '-notext',
      ]);
      pem.set(plan.name, readFileSync(join(work, `${plan.name}.crt`), 'utf8'));
      const keyText = options.keys === 'placeholder' ? PLACEHOLDER_KEY : readFileSync(join(work, key), 'utf8');
      if (plan.pki) {
        write(root, `etc/kubernetes/pki/${plan.pki}.crt`, pem.get(plan.name)!, options.omit);
        write(root, `etc/kubernetes/pki/${plan.pki}.key`, keyText, options.omit);
      } else if (plan.kubeconfig) {
        write(root, `etc/kubernetes/${plan.name}`, kubeconfig(plan.kubeconfig.user, pem.get('ca')!, pem.get(plan.name)!, options.keys === 'placeholder' ? null : keyText), options.omit);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function write(root: string, path: string, text: string, omit: string[] = []): void {
  if (omit.some((o) => path.endsWith(`/${o}`) || path === o)) return;
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** A kubeconfig as kubeadm writes it (phases/kubeconfig). */
function kubeconfig(user: string, caPem: string, certPem: string, keyPem: string | null): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return [
    'apiVersion: v1',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${b64(caPem)}`,
    '    server: https://10.0.0.10:6443',
    '  name: kubernetes',
    'contexts:',
    '- context:',
    '    cluster: kubernetes',
    `    user: ${user}`,
    `  name: ${user}@kubernetes`,
    `current-context: ${user}@kubernetes`,
    'kind: Config',
    'preferences: {}',
    'users:',
    `- name: ${user}`,
    '  user:',
    `    client-certificate-data: ${b64(certPem)}`,
    ...(keyPem ? [`    client-key-data: ${b64(keyPem)}`] : []),
    '',
  ].join('\n');
}

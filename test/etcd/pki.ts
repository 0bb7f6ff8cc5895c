import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
   * Fixtures committed to the repository carry no key material unless a rule
   * needs it: a key file with no PEM private key block is only checked to
   * exist (certificate-key-mismatch does not judge it), so they hold a line
   * saying so. The certificate-key-mismatch fixtures hold real throwaway keys.
   */
  keys?: 'real' | 'placeholder';
  /** Certificates whose .key (or client-key-data) is a fresh key of its own, not the certificate's. */
  mismatchedKey?: KubeadmCertName[];
  /**
   * Certificates signed by a stranger CA instead of theirs: `same-name` gives
   * the stranger the expected CA's subject (only the signature tells them
   * apart), `other-name` a subject of its own.
   */
  foreignIssuer?: Partial<Record<KubeadmCertName, 'same-name' | 'other-name'>>;
  /** ca.crt holds an older CA before the current one, as during a CA rotation. */
  caBundle?: boolean;
  /** Leaf files in /etc/kubernetes/pki hold the CA after the leaf (a chain). */
  chains?: boolean;
  /**
   * A kubelet.conf for node `controlplane`, signed by ca: `file` points at
   * /var/lib/kubelet/pki/kubelet-client-current.pem, an absolute link to the
   * dated file the kubelet writes (left out with `missingFile`); `embedded`
   * holds client-certificate-data, as kubeadm before 1.17 wrote it.
   */
  kubelet?: { mode: 'file' | 'embedded'; validity?: Validity; missingFile?: boolean };
  /**
   * subjectAltName entries of apiserver.crt, as openssl writes them
   * (`DNS:kubernetes`, `IP:10.96.0.1`); when unset, those kubeadm v1.35.4
   * writes for node controlplane advertising 10.0.0.10 (test/etcd/node-layout.ts)
   * with its default service subnet and DNS domain.
   */
  apiserverSans?: string[];
}

const DEFAULT_LEAVES: Validity = { notBefore: '2026-01-10T00:00:00Z', notAfter: '2027-01-10T00:00:00Z' };
const DEFAULT_AUTHORITIES: Validity = { notBefore: '2026-01-10T00:00:00Z', notAfter: '2036-01-08T00:00:00Z' };
const KUBEADM_APISERVER_SANS = [
  'DNS:controlplane', 'DNS:kubernetes', 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc', 'DNS:kubernetes.default.svc.cluster.local',
  'IP:10.96.0.1', 'IP:10.0.0.10',
];
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
    const sans = `[ v3_apiserver ]\n${CONFIG.split('[ v3_leaf ]\n')[1]}subjectAltName = ${(options.apiserverSans ?? KUBEADM_APISERVER_SANS).join(',')}\n`;
    writeFileSync(join(work, 'ca.cnf'), CONFIG + sans);
    writeFileSync(join(work, 'index.txt'), '');
    writeFileSync(join(work, 'serial'), '1000\n');
    mkdirSync(join(work, 'issued'));
    const pem = new Map<string, string>();
    const subjectOf = (ca: CertPlan['ca']) => PLAN.find((p) => p.name === ca)!.subject;
    if (Object.values(options.foreignIssuer ?? {}).includes('other-name')) {
      selfSigned(work, 'stranger-other-name', '/CN=stranger-ca', options.authorities ?? DEFAULT_AUTHORITIES);
    }
    if (options.caBundle) selfSigned(work, 'ca-old', '/CN=kubernetes', { notBefore: '2016-01-10T00:00:00Z', notAfter: '2026-01-10T00:00:00Z' });
    for (const plan of PLAN) {
      const validity = options.validity?.[plan.name] ?? (plan.ca === 'self' ? options.authorities ?? DEFAULT_AUTHORITIES : options.leaves ?? DEFAULT_LEAVES);
      const key = `${plan.name}.key`;
      openssl(work, ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', `${plan.name}.csr`, '-subj', plan.subject]);
      const foreign = options.foreignIssuer?.[plan.name];
      let signerName: string = plan.ca;
      if (foreign === 'other-name') signerName = 'stranger-other-name';
      if (foreign === 'same-name') {
        signerName = `stranger-${plan.ca}`;
        if (!existsSync(join(work, `${signerName}.crt`))) selfSigned(work, signerName, subjectOf(plan.ca), options.authorities ?? DEFAULT_AUTHORITIES);
      }
      const signer = plan.ca === 'self' ? ['-selfsign', '-keyfile', key] : ['-cert', `${signerName}.crt`, '-keyfile', `${signerName}.key`];
      openssl(work, [
        'ca', '-batch', '-config', 'ca.cnf', ...signer, '-in', `${plan.name}.csr`, '-out', `${plan.name}.crt`,
        '-startdate', opensslTime(validity.notBefore), '-enddate', opensslTime(validity.notAfter),
        '-extensions', plan.ca === 'self' ? 'v3_ca' : plan.name === 'apiserver' ? 'v3_apiserver' : 'v3_leaf', '-notext',
      ]);
      pem.set(plan.name, readFileSync(join(work, `${plan.name}.crt`), 'utf8'));
      // A CA still signs with its own key: the stranger key is only what the node's file holds.
      let keyFile = key;
      if (options.mismatchedKey?.includes(plan.name)) {
        keyFile = `${plan.name}.other.key`;
        openssl(work, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', keyFile]);
      }
      const keyText = options.keys === 'placeholder' ? PLACEHOLDER_KEY : readFileSync(join(work, keyFile), 'utf8');
      if (plan.pki) {
        let certText = pem.get(plan.name)!;
        if (plan.name === 'ca' && options.caBundle) certText = readFileSync(join(work, 'ca-old.crt'), 'utf8') + certText;
        if (plan.ca !== 'self' && options.chains) certText += pem.get(plan.ca)!;
        write(root, `etc/kubernetes/pki/${plan.pki}.crt`, certText, options.omit);
        write(root, `etc/kubernetes/pki/${plan.pki}.key`, keyText, options.omit);
      } else if (plan.kubeconfig) {
        write(root, `etc/kubernetes/${plan.name}`, kubeconfig(plan.kubeconfig.user, pem.get('ca')!, pem.get(plan.name)!, options.keys === 'placeholder' ? null : keyText), options.omit);
      }
    }
    if (options.kubelet) writeKubelet(root, work, options.kubelet, options.keys === 'placeholder', pem.get('ca')!);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const KUBELET_PKI = 'var/lib/kubelet/pki';

/** kubelet.conf and, for `file`, the kubelet's rotated client certificate (certificate and key in one file, as the kubelet writes it). */
function writeKubelet(root: string, work: string, kubelet: NonNullable<PkiOptions['kubelet']>, placeholder: boolean, caPem: string): void {
  const validity = kubelet.validity ?? DEFAULT_LEAVES;
  openssl(work, ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'kubelet.key', '-out', 'kubelet.csr', '-subj', '/O=system:nodes/CN=system:node:controlplane']);
  openssl(work, [
    'ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.crt', '-keyfile', 'ca.key', '-in', 'kubelet.csr', '-out', 'kubelet.crt',
    '-startdate', opensslTime(validity.notBefore), '-enddate', opensslTime(validity.notAfter), '-extensions', 'v3_leaf', '-notext',
  ]);
  const certPem = readFileSync(join(work, 'kubelet.crt'), 'utf8');
  const keyPem = placeholder ? PLACEHOLDER_KEY : readFileSync(join(work, 'kubelet.key'), 'utf8');
  const user = 'system:node:controlplane';
  if (kubelet.mode === 'embedded') {
    write(root, 'etc/kubernetes/kubelet.conf', kubeconfig(user, caPem, certPem, placeholder ? null : keyPem));
    return;
  }
  const current = `/${KUBELET_PKI}/kubelet-client-current.pem`;
  const text = kubeconfig(user, caPem, certPem, null)
    .replace(/^ {4}client-certificate-data: .*$/m, `    client-certificate: ${current}\n    client-key: ${current}`);
  write(root, 'etc/kubernetes/kubelet.conf', text);
  if (kubelet.missingFile) return;
  const dated = `kubelet-client-${validity.notBefore.replace(/[:T]/g, '-').replace(/\..*|Z$/g, '')}.pem`;
  write(root, `${KUBELET_PKI}/${dated}`, certPem + keyPem);
  // The kubelet points the link at the file by its absolute path (client-go util/certificate/certificate_store.go).
  symlinkSync(`/${KUBELET_PKI}/${dated}`, join(root, KUBELET_PKI, 'kubelet-client-current.pem'));
}

/** A self-signed CA `name`.crt/.key in the work folder. */
function selfSigned(work: string, name: string, subject: string, validity: Validity): void {
  openssl(work, ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  openssl(work, [
    'ca', '-batch', '-config', 'ca.cnf', '-selfsign', '-keyfile', `${name}.key`, '-in', `${name}.csr`, '-out', `${name}.crt`,
    '-startdate', opensslTime(validity.notBefore), '-enddate', opensslTime(validity.notAfter), '-extensions', 'v3_ca', '-notext',
  ]);
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

import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/cli/pipeline.js';
import { canonicalIp } from '../../src/sources/host/apiserver-sans.js';
import { listFiles } from '../etcd/make-fixtures.js';
import { makeKubeadmPki } from '../etcd/pki.js';
import { kubeadmBinary } from './kubeadm-binary.js';
import { FIXTURE_NOW } from '../helpers/fixture-args.js';
import { makeSansFixtures, SANS_FIXTURES } from './sans-fixtures.js';
import { KUBEADM_CONFIG, tempParent } from './trees.js';
import { Rng } from '../fuzz/prng.js';

/**
 * apiserver-certificate-sans against the real tools: kubeadm v1.35.4
 * (scripts/build-kubeadm.sh) writes pki/apiserver.crt for a configuration
 * (`kubeadm init phase certs apiserver --config`, no root needed: the
 * configuration's certificatesDir points into the tree), `openssl x509
 * -noout -ext subjectAltName` lists what it holds, and kcheck must (1) read
 * the same names, (2) expect exactly kubeadm's names but the node name, which
 * it does not check, and (3) on a certificate openssl makes with some of them
 * left out, name exactly those.
 */
const KUBEADM = kubeadmBinary();

interface Case {
  node: string;
  advertise: string;
  serviceSubnet: string;
  dnsDomain?: string;
  endpoint?: string;
  certSANs?: string[];
}

const CASES: Case[] = [
  { node: 'controlplane', advertise: '10.0.0.10', serviceSubnet: '10.96.0.0/12' },
  { node: 'cp-1', advertise: '192.168.1.20', serviceSubnet: '172.20.0.0/16', dnsDomain: 'corp.example', endpoint: 'k8s-api.example.internal:6443' },
  { node: 'cp-2', advertise: '10.0.0.11', serviceSubnet: '10.96.0.0/12', endpoint: '10.0.0.100:6443', certSANs: ['10.0.0.200', '*.api.example.internal', 'k8s.example.internal'] },
  { node: 'cp-3', advertise: '10.0.0.12', serviceSubnet: '10.96.0.0/12,fd00:96::/108', endpoint: 'lb.example.internal', certSANs: ['2001:db8::1'] },
  { node: 'cp-v6', advertise: 'fd00:10::10', serviceSubnet: 'fd00:96::/108', endpoint: '[fd00:10::100]:6443', certSANs: ['2001:0db8:0000::0002'] },
];

const parent = tempParent();
afterAll(() => rmSync(parent, { recursive: true, force: true }));

/** openssl's reading of the certificate: `DNS:name` and `IP:address` (one spelling), in its order. */
function opensslSans(cert: string): string[] {
  const text = execFileSync('openssl', ['x509', '-noout', '-ext', 'subjectAltName', '-in', cert], { encoding: 'utf8' });
  const line = text.split('\n').slice(1).join(' ').trim();
  return line.split(/,\s*/).filter(Boolean).map((entry) => {
    const [kind, ...rest] = entry.split(':');
    const value = rest.join(':');
    return kind === 'IP Address' ? `IP:${canonicalIp(value) ?? value}` : `${kind}:${value}`;
  });
}

function clusterConfiguration(c: Case, certificatesDir?: string): string {
  return [
    'apiVersion: kubeadm.k8s.io/v1beta4',
    'kind: ClusterConfiguration',
    'kubernetesVersion: v1.35.4',
    ...(certificatesDir ? [`certificatesDir: ${certificatesDir}`] : []),
    ...(c.endpoint ? [`controlPlaneEndpoint: "${c.endpoint}"`] : []),
    'networking:',
    `  serviceSubnet: "${c.serviceSubnet}"`,
    ...(c.dnsDomain ? [`  dnsDomain: ${c.dnsDomain}`] : []),
    ...(c.certSANs ? ['apiServer:', '  certSANs:', ...c.certSANs.map((s) => `  - "${s}"`)] : []),
    '',
  ].join('\n');
}

/** The node's files kcheck reads: the kube-apiserver static pod with the flags kubeadm writes, and the ClusterConfiguration. */
function writeNode(root: string, c: Case): void {
  mkdirSync(join(root, 'etc/kubernetes/manifests'), { recursive: true });
  writeFileSync(join(root, 'etc/kubernetes/manifests/kube-apiserver.yaml'), `apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
  labels: {component: kube-apiserver, tier: control-plane}
spec:
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.35.4
    command:
    - kube-apiserver
    - --advertise-address=${c.advertise}
    - --service-cluster-ip-range=${c.serviceSubnet}
    - --tls-cert-file=/etc/kubernetes/pki/apiserver.crt
    - --tls-private-key-file=/etc/kubernetes/pki/apiserver.key
`);
  writeFileSync(join(root, KUBEADM_CONFIG), clusterConfiguration(c));
}

/** kubeadm's own ca and apiserver pair under the tree, from an InitConfiguration and a ClusterConfiguration. */
function kubeadmCertificates(root: string, c: Case): void {
  const pki = join(root, 'etc/kubernetes/pki');
  const config = join(root, 'kubeadm-init.yaml');
  writeFileSync(config, [
    'apiVersion: kubeadm.k8s.io/v1beta4',
    'kind: InitConfiguration',
    'localAPIEndpoint:',
    `  advertiseAddress: "${c.advertise}"`,
    'nodeRegistration:',
    `  name: ${c.node}`,
    '---',
    clusterConfiguration(c, pki),
  ].join('\n'));
  for (const phase of ['ca', 'apiserver']) execFileSync(KUBEADM, ['init', 'phase', 'certs', phase, '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  rmSync(config);
}

async function scanRoot(root: string) {
  const result = await scan({ paths: [], root, now: new Date().toISOString(), config: '/dev/null' });
  const findings = result.result.findings.filter((f) => f.ruleId === 'apiserver-certificate-sans');
  return { sans: result.model.certificates?.apiserverSans ?? null, findings };
}

/** A small seeded generator (mulberry32). */
function random(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.float();
}

describe('apiserver.crt SANs against kubeadm v1.35.4 and openssl', () => {
  const next = random(12);
  it.each(CASES.map((c, i) => [c.node, c, i] as const))('%s', async (_, c, i) => {
    const root = join(parent, `kubeadm-${i}`);
    writeNode(root, c);
    kubeadmCertificates(root, c);
    const written = opensslSans(join(root, 'etc/kubernetes/pki/apiserver.crt'));
    const { sans, findings } = await scanRoot(root);
    expect(sans).not.toBeNull();
    // (1) kcheck reads what openssl reads.
    expect([...sans!.dns.map((d) => `DNS:${d}`), ...sans!.ips.map((ip) => `IP:${ip}`)].sort()).toEqual([...written].sort());
    // (2) kcheck expects kubeadm's names, all but the node name.
    const expected = new Set(sans!.expected.map((e) => `${e.kind}:${e.value}`));
    expect([...expected, `DNS:${c.node}`].sort()).toEqual([...new Set(written)].sort());
    expect(findings).toEqual([]);

    // (3) The same node with an apiserver.crt openssl makes without a seeded few of kubeadm's names (never none, never the node name).
    const candidates = written.filter((s) => s !== `DNS:${c.node}`);
    let removed = candidates.filter(() => next() < 0.35);
    if (removed.length === 0) removed = [candidates[Math.floor(next() * candidates.length)]!];
    const fewer = join(parent, `fewer-${i}`);
    writeNode(fewer, c);
    makeKubeadmPki(fewer, { keys: 'placeholder', apiserverSans: written.filter((s) => !removed.includes(s)) });
    const after = await scanRoot(fewer);
    expect(after.findings).toHaveLength(1);
    const named = [...after.findings[0]!.message.matchAll(/(DNS|IP):(\S+) \(/g)].map((m) => `${m[1]}:${m[2]}`);
    expect(named.sort()).toEqual([...removed].sort());
  }, 60_000);
});

describe('the checked-in apiserver-certificate-sans fixtures are what test/certificates/sans-fixtures.ts writes today', () => {
  const repo = fileURLToPath(new URL('../..', import.meta.url));
  const out = join(parent, 'fixtures');
  makeSansFixtures(out, repo);
  it.each(Object.keys(SANS_FIXTURES))('%s', async (name) => {
    const [mine, theirs] = [join(repo, 'fixtures/rules', name), join(out, 'fixtures/rules', name)];
    expect(listFiles(mine)).toEqual(listFiles(theirs));
    const messages = async (root: string) =>
      (await scan({ paths: [], root, now: FIXTURE_NOW, config: '/dev/null' })).result.findings.filter((f) => f.ruleId === 'apiserver-certificate-sans').map((f) => f.message);
    const [a, b] = [await messages(mine), await messages(theirs)];
    expect(a).toEqual(b);
    expect(a.length > 0).toBe(name.includes('/fail-'));
  }, 60_000);
});

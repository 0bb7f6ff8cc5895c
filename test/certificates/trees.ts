import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scan, type Scan } from '../../src/cli/pipeline.js';
import { makeKubeadmPki, type PkiOptions } from '../etcd/pki.js';
import { Rng } from '../fuzz/prng.js';

/** kubeadm's names, in check-expiration's order (renewal/manager.go:196, 208). */
const KUBEADM_NAMES = [
  'admin.conf', 'apiserver', 'apiserver-etcd-client', 'apiserver-kubelet-client', 'controller-manager.conf',
  'etcd-healthcheck-client', 'etcd-peer', 'etcd-server', 'front-proxy-client', 'scheduler.conf', 'super-admin.conf',
  'ca', 'etcd-ca', 'front-proxy-ca',
] as const;
export type KubeadmName = (typeof KUBEADM_NAMES)[number];

const LEAVES: KubeadmName[] = KUBEADM_NAMES.filter((n) => !n.endsWith('ca'));
const PKI_FILES: Record<KubeadmName, string> = {
  'admin.conf': 'admin.conf', 'controller-manager.conf': 'controller-manager.conf', 'scheduler.conf': 'scheduler.conf', 'super-admin.conf': 'super-admin.conf',
  apiserver: 'apiserver.crt', 'apiserver-etcd-client': 'apiserver-etcd-client.crt', 'apiserver-kubelet-client': 'apiserver-kubelet-client.crt',
  'etcd-healthcheck-client': 'etcd/healthcheck-client.crt', 'etcd-peer': 'etcd/peer.crt', 'etcd-server': 'etcd/server.crt',
  'front-proxy-client': 'front-proxy-client.crt', ca: 'ca.crt', 'etcd-ca': 'etcd/ca.crt', 'front-proxy-ca': 'front-proxy-ca.crt',
};

/** Where a kubeadm certificate (or kubeconfig) lives under a tree's root. */
export function fileOf(root: string, name: KubeadmName): string {
  return name.endsWith('.conf') ? join(root, 'etc/kubernetes', name) : join(root, 'etc/kubernetes/pki', PKI_FILES[name]);
}

export const isKubeconfig = (name: KubeadmName): boolean => name.endsWith('.conf');
/** The CA that signs a kubeadm leaf (certlist.go; every kubeconfig: ca, renewal/manager.go:180). */
export function caOf(name: KubeadmName): KubeadmName {
  if (name.startsWith('etcd-') || name === 'apiserver-etcd-client') return 'etcd-ca';
  if (name === 'front-proxy-client') return 'front-proxy-ca';
  return 'ca';
}

/** A small seeded generator (mulberry32): the same trees on every run. */
function random(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.float();
}

const DAY = 86_400_000;

export interface Tree {
  name: string;
  options: PkiOptions;
  /** A kubeadm configuration with etcd.external at /etc/kubernetes/kubeadm-config.yaml, and no etcd certificates. */
  externalEtcd?: boolean;
}

/** Where an external-etcd tree keeps kubeadm's configuration (a name kcheck reads, src/sources/root/index.ts). */
export const KUBEADM_CONFIG = 'etc/kubernetes/kubeadm-config.yaml';
const EXTERNAL_ETCD_CONFIG = `apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.35.4
etcd:
  external:
    endpoints: [https://10.0.0.20:2379]
    caFile: /etc/etcd/ca.crt
    certFile: /etc/etcd/client.crt
    keyFile: /etc/etcd/client.key
`;
const LOCAL_ETCD_ONLY: KubeadmName[] = ['apiserver-etcd-client', 'etcd-healthcheck-client', 'etcd-peer', 'etcd-server', 'etcd-ca'];

/** The names check-expiration lists for a tree: without the etcd ones when etcd is external (renewal/manager.go:103-106). */
export function listedIn(tree: Tree): KubeadmName[] {
  return KUBEADM_NAMES.filter((n) => !(tree.externalEtcd && LOCAL_ETCD_ONLY.includes(n)));
}

/**
 * The trees the certificate answers are compared on, dated around `now`
 * (the real clock: openssl -checkend and kubeadm read it) and never within
 * a day of a boundary kcheck or openssl draws (expiry, 30 days, notBefore).
 */
export function trees(now: number, seeded = 2, seed = 12): Tree[] {
  const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString();
  const span = (fromDays: number, toDays: number) => ({ notBefore: iso(now + fromDays * DAY), notAfter: iso(now + toDays * DAY) });
  const valid = { leaves: span(-30, 335), authorities: span(-30, 3620) };
  const fixed: Tree[] = [
    { name: 'all valid', options: { ...valid, kubelet: { mode: 'file' } } },
    {
      name: 'expired, expiring, not yet valid',
      options: {
        ...valid,
        validity: { apiserver: span(-400, -35), 'admin.conf': span(-300, 12), 'etcd-server': span(5, 370), 'etcd-ca': span(-3700, -2) },
        kubelet: { mode: 'file', validity: span(-400, -20) },
      },
    },
    { name: 'missing', options: { ...valid, kubelet: { mode: 'file', missingFile: true }, omit: ['front-proxy-client.crt', 'etcd/peer.crt', 'super-admin.conf', 'front-proxy-ca.crt'] } },
    { name: 'mismatched keys', options: { ...valid, mismatchedKey: ['apiserver', 'etcd-ca', 'controller-manager.conf', 'front-proxy-client'] } },
    { name: 'wrong issuer', options: { ...valid, foreignIssuer: { apiserver: 'same-name', 'etcd-peer': 'other-name', 'scheduler.conf': 'same-name' } } },
    { name: 'bundles', options: { ...valid, caBundle: true, chains: true, kubelet: { mode: 'file', validity: span(3, 300) } } },
    {
      name: 'external etcd',
      externalEtcd: true,
      options: { ...valid, omit: LOCAL_ETCD_ONLY.flatMap((n) => [PKI_FILES[n], PKI_FILES[n].replace(/\.crt$/, '.key')]), validity: { 'front-proxy-client': span(-300, 20) } },
    },
  ];
  const next = random(seed);
  const pick = <T>(items: readonly T[], p: number): T[] => items.filter(() => next() < p);
  const mixed: Tree[] = [];
  for (let i = 0; i < seeded; i++) {
    const validity: PkiOptions['validity'] = {};
    for (const name of pick(KUBEADM_NAMES, 0.3)) {
      const choices = [span(-400, -3), span(-300, 10), span(-300, 25), span(3, 400), span(-30, 200)];
      validity[name] = choices[Math.floor(next() * choices.length)]!;
    }
    const foreignIssuer: PkiOptions['foreignIssuer'] = {};
    for (const name of pick(LEAVES, 0.2)) foreignIssuer[name] = next() < 0.5 ? 'same-name' : 'other-name';
    const omit = pick(KUBEADM_NAMES, 0.15).map((n) => (isKubeconfig(n) ? n : PKI_FILES[n]));
    mixed.push({
      name: `seeded mix ${i + 1} (seed ${seed})`,
      options: { ...valid, validity, foreignIssuer, omit, mismatchedKey: pick(KUBEADM_NAMES, 0.2), caBundle: next() < 0.5, chains: next() < 0.5 },
    });
  }
  return [...fixed, ...mixed];
}

/** Writes a tree into a fresh folder under `parent` and returns its root. */
export function writeTree(parent: string, tree: Tree, i: number): string {
  const root = join(parent, `tree-${i}`);
  mkdirSync(root);
  makeKubeadmPki(root, tree.options);
  if (tree.externalEtcd) writeFileSync(join(root, KUBEADM_CONFIG), EXTERNAL_ETCD_CONFIG);
  return root;
}

export const tempParent = (): string => mkdtempSync(join(tmpdir(), 'kcheck-certificates-'));

/** A node-root scan at `now`, with no configuration file. */
export function scanTree(root: string, now: number): Promise<Scan> {
  return scan({ paths: [], root, now: new Date(now).toISOString(), config: '/dev/null' });
}

/** The kubeadm names a rule reported on. */
export function reported(result: Scan, rule: string): Set<string> {
  return new Set(result.result.findings.filter((f) => f.ruleId === rule).map((f) => f.object?.name ?? ''));
}

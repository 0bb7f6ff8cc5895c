import { canonicalIp } from '../sources/host/apiserver-sans.js';
import type { HostFacts } from '../sources/host/types.js';
import type { RawObject } from '../sources/types.js';
import { argvOf, flagValue } from './container-paths.js';
import { apiserverContainer } from './etcd-tls.js';
import { arrayField, stringField } from './fields.js';
import { isClusterConfiguration } from './kinds.js';
import { isStaticPod } from './static-pods.js';
import type { ApiserverSansState, ExpectedSan } from './types.js';

/** kubeadm's defaults (cmd/kubeadm/app/apis/kubeadm/v1beta4/defaults.go:33, :35). */
const DEFAULT_DNS_DOMAIN = 'cluster.local';

/** k8s.io/apimachinery validation.IsDNS1123Subdomain and IsWildcardDNS1123Subdomain. */
const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const SUBDOMAIN = new RegExp(`^${LABEL}(\\.${LABEL})*$`);
const isSubdomain = (s: string) => s.length <= 253 && SUBDOMAIN.test(s);
const isWildcard = (s: string) => s.length <= 253 && s.startsWith('*.') && SUBDOMAIN.test(s.slice(2));

/**
 * The SANs `kubeadm init phase certs apiserver` writes, computed as kubeadm
 * v1.35.4 does (cmd/kubeadm/app/util/pkiutil/pki_helpers.go:375-422,
 * GetAPIServerAltNames): the node name; kubernetes, kubernetes.default,
 * kubernetes.default.svc, kubernetes.default.svc.<dnsDomain>; the first IP
 * of the first service subnet (constants/constants.go:687-712); the advertise
 * address; the controlPlaneEndpoint host (util/endpoint.go:84-112,
 * ParseHostPort); apiServer.certSANs that are IPs or DNS names
 * (pki_helpers.go:476-492; kubeadm's configuration validation refuses any
 * other entry before, which `kubeadm init phase certs apiserver` confirms).
 * kubeadm writes --advertise-address and --service-cluster-ip-range into the
 * static pod from the same configuration (phases/controlplane/manifests.go),
 * so they are read there.
 */
export function readApiserverSans(raws: RawObject[], host: HostFacts | undefined): ApiserverSansState | null {
  const sans = host?.apiserverSans;
  if (!sans) return null;
  const pod = raws.find((r) => r.origin === 'static-pod-manifest' && isStaticPod(r) && apiserverContainer(r) !== undefined);
  if (!pod) return null;
  const argv = argvOf(apiserverContainer(pod));
  const config = raws.find((r) => r.origin === 'kubeadm-config' && isClusterConfiguration(r))?.object;
  const expected: ExpectedSan[] = [];
  const unchecked = ['the node name (nodeRegistration.name, by default the hostname)'];
  const dnsDomain = stringField(config, 'networking', 'dnsDomain') || DEFAULT_DNS_DOMAIN;
  for (const name of ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', `kubernetes.default.svc.${dnsDomain}`]) {
    expected.push({ kind: 'DNS', value: name, from: 'kubeadm default' });
  }
  const range = flagValue(argv, 'service-cluster-ip-range');
  const subnet = range ?? stringField(config, 'networking', 'serviceSubnet');
  const serviceIp = subnet === undefined ? null : firstServiceIp(subnet);
  if (serviceIp) expected.push({ kind: 'IP', value: serviceIp, from: range !== undefined ? '--service-cluster-ip-range' : 'networking.serviceSubnet' });
  else unchecked.push(subnet === undefined ? 'the kubernetes Service IP (no --service-cluster-ip-range)' : `the kubernetes Service IP (${subnet} is no CIDR)`);
  const advertise = flagValue(argv, 'advertise-address');
  const advertiseIp = advertise === undefined ? null : canonicalIp(advertise);
  if (advertiseIp) expected.push({ kind: 'IP', value: advertiseIp, from: '--advertise-address' });
  else unchecked.push(advertise === undefined ? 'the advertise address (no --advertise-address)' : `the advertise address (${advertise} is no IP address)`);
  const endpoint = stringField(config, 'controlPlaneEndpoint');
  if (endpoint) {
    const host = endpointHost(endpoint);
    if (host === null) unchecked.push(`controlPlaneEndpoint ${endpoint} (kubeadm refuses it: not host, host:port or [IPv6]:port)`);
    else expected.push({ ...host, from: 'controlPlaneEndpoint' });
  }
  for (const san of arrayField(config, 'apiServer', 'certSANs')) {
    if (typeof san !== 'string') continue;
    const ip = canonicalIp(san);
    if (ip) expected.push({ kind: 'IP', value: ip, from: 'apiServer.certSANs' });
    else if (isSubdomain(san) || isWildcard(san)) expected.push({ kind: 'DNS', value: san, from: 'apiServer.certSANs' });
  }
  const subject = { ref: { kind: 'Certificate', name: 'apiserver' }, provenance: { type: 'file' as const, file: sans.file, line: 1, column: 1 } };
  return { path: sans.path, dns: sans.dns, ips: sans.ips, expected, unchecked, subject };
}

/** netutils.GetIndexedIP(subnet, 1) of the first CIDR of a comma-separated list: the network address plus one. */
function firstServiceIp(list: string): string | null {
  const [address, bits] = list.split(',')[0]!.trim().split('/');
  const ip = address === undefined ? null : canonicalIp(address);
  const prefix = Number(bits);
  if (ip === null || !/^\d+$/.test(bits ?? '')) return null;
  const v4 = !ip.includes(':');
  const width = v4 ? 32 : 128;
  if (prefix > width) return null;
  let n = v4 ? ip.split('.').reduce((a, p) => (a << 8n) | BigInt(p), 0n) : v6ToBigInt(ip);
  n = (n >> BigInt(width - prefix)) << BigInt(width - prefix);
  n += 1n;
  if (v4) return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.');
  const groups = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((n >> s) & 0xffffn).toString(16));
  return canonicalIp(groups.join(':'));
}

function v6ToBigInt(ip: string): bigint {
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const part = (s: string | undefined) => (s ? s.split(':') : []);
  const h = part(head);
  const t = part(tail);
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((a, g) => (a << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** kubeadm's ParseHostPort (util/endpoint.go:84-112) over Go's net.SplitHostPort: the host, an IP or a DNS name; null when kubeadm refuses it. */
function endpointHost(endpoint: string): Omit<ExpectedSan, 'from'> | null {
  let host = endpoint;
  let port = '';
  const bracketed = /^\[([^\]]*)\]:([^:]*)$/.exec(endpoint);
  if (bracketed) [host, port] = [bracketed[1]!, bracketed[2]!];
  else if (!endpoint.startsWith('[') && endpoint.split(':').length === 2) [host, port] = endpoint.split(':') as [string, string];
  if (port !== '' && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) return null;
  const ip = canonicalIp(host);
  if (ip) return { kind: 'IP', value: ip };
  return isSubdomain(host) ? { kind: 'DNS', value: host } : null;
}

import { describe, expect, it } from 'vitest';
import apiserverVersionSkew from '../../rules/apiserver-version-skew.js';
import controlPlaneVersionSkew from '../../rules/control-plane-version-skew.js';
import etcdVersionMismatch from '../../rules/etcd-version-mismatch.js';
import kubeProxyVersionSkew from '../../rules/kube-proxy-version-skew.js';
import kubeadmVersionMismatch from '../../rules/kubeadm-version-mismatch.js';
import kubectlVersionSkew from '../../rules/kubectl-version-skew.js';
import kubeletVersionSkew from '../../rules/kubelet-version-skew.js';
import {
  controlPlaneWindow,
  describeWindow,
  inWindow,
  kubectlWindow,
  kubeletWindow,
  kubeProxyKubeletWindow,
  kubeProxyWindow,
} from '../../src/facts/skew-policy.js';
import unsupportedVersion from '../../rules/unsupported-version.js';
import upgradeBlockedByKubeletSkew from '../../rules/upgrade-blocked-by-kubelet-skew.js';
import upgradeSkipsMinor from '../../rules/upgrade-skips-minor.js';
import type { Report, Rule } from '../../src/engine/types.js';
import { buildModel } from '../../src/model/build.js';
import type { ClusterModel } from '../../src/model/types.js';
import { imageTag, parseMinor, parseVersion, type Version } from '../../src/model/version.js';
import type { KubeObject, RawObject, VersionReport } from '../../src/sources/types.js';
import { reportsOf } from '../../src/engine/run.js';

const DIGEST = 'sha256:3f1c8b8e0d9a7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b';

function v(text: string): Version {
  const parsed = parseVersion(text);
  if (!parsed) throw new Error(`test setup: ${text} does not parse`);
  return parsed;
}

const range = (oldest: string, newest = oldest) => ({ oldest: v(oldest), newest: v(newest) });

/** The minors from 1.19 to 1.38 a window allows, e.g. ['1.29', '1.30', '1.31']. */
function allowedMinors(window: ReturnType<typeof kubeletWindow>): string[] {
  return Array.from({ length: 20 }, (_, i) => `1.${19 + i}`).filter((m) => inWindow(v(m), window));
}

describe('parseVersion reads versions as they occur in the wild', () => {
  it.each([
    ['v1.30.2', 1, 30, 2, ''],
    ['1.30.2', 1, 30, 2, ''],
    ['v1.30.2-eks-a1b2c3', 1, 30, 2, '-eks-a1b2c3'],
    ['1.30.2-gke.1000', 1, 30, 2, '-gke.1000'],
    ['v1.29.4+k3s1', 1, 29, 4, '+k3s1'],
    ['registry.k8s.io/kube-apiserver:v1.30.2', 1, 30, 2, ''],
    [`registry.k8s.io/kube-apiserver:v1.30.2@${DIGEST}`, 1, 30, 2, ''],
    ['registry:5000/etcd:3.5.15-0', 3, 5, 15, '-0'],
    [`registry.example.com:5000/kube-apiserver:v1.28.13-custom.1@${DIGEST}`, 1, 28, 13, '-custom.1'],
    ['1.31.2-1.1', 1, 31, 2, '-1.1'],
    ['1.20.0-00', 1, 20, 0, '-00'],
  ])('%s is %i.%i.%i with suffix "%s"', (text, major, minor, patch, suffix) => {
    expect(parseVersion(text)).toEqual({ major, minor, patch, suffix, raw: text });
  });

  it.each([
    ['kube-apiserver:latest'],
    ['registry.k8s.io/kube-apiserver:latest'],
    [`registry.k8s.io/kube-apiserver@${DIGEST}`],
    [`kube-scheduler@${DIGEST}`],
    ['registry.k8s.io/etcd'],
    ['registry:5000/etcd'],
    ['v0.0.0-master+$Format:%H$'],
    [''],
  ])('%s has no version that can be known', (text) => {
    expect(parseVersion(text)).toBeNull();
  });

  it('reads the tag of an image, never the registry port or the digest', () => {
    expect(imageTag('registry:5000/etcd:3.5.15-0')).toBe('3.5.15-0');
    expect(imageTag(`registry.k8s.io/kube-proxy:v1.33.5@${DIGEST}`)).toBe('v1.33.5');
    expect(imageTag('registry:5000/etcd')).toBeNull();
    expect(imageTag(`registry.k8s.io/kube-proxy@${DIGEST}`)).toBeNull();
  });

  it('accepts a target as a minor or a full version, nothing looser', () => {
    expect(parseMinor('1.33')).toMatchObject({ major: 1, minor: 33, patch: 0 });
    expect(parseMinor('v1.33.4')).toMatchObject({ major: 1, minor: 33, patch: 4 });
    expect(parseMinor('1.33.4-eks-a1b2c3')).toBeNull();
    expect(parseMinor('latest')).toBeNull();
  });
});

describe('skew windows follow the version skew policy', () => {
  // https://kubernetes.io/releases/version-skew-policy/ : "kube-apiserver instances at 1.32 and 1.31
  // allow kubelets 1.31, 1.30 and 1.29; a 1.32 scheduler is not allowed; kubectl 1.31 or 1.32 only".
  const policyExample = range('1.31.13', '1.32.9');

  it('the policy example: apiservers 1.32 and 1.31 allow kubelets and kube-proxy 1.29 to 1.31', () => {
    expect(allowedMinors(kubeletWindow(policyExample))).toEqual(['1.29', '1.30', '1.31']);
    expect(allowedMinors(kubeProxyWindow(policyExample))).toEqual(['1.29', '1.30', '1.31']);
    expect(describeWindow(kubeletWindow(policyExample))).toBe('1.29 to 1.31');
  });

  it('the policy example: controller-manager, scheduler and cloud-controller-manager only 1.31', () => {
    expect(allowedMinors(controlPlaneWindow(policyExample))).toEqual(['1.31']);
    expect(describeWindow(controlPlaneWindow(policyExample))).toBe('only 1.31');
  });

  it('the policy example: kubectl 1.31 or 1.32 only', () => {
    expect(allowedMinors(kubectlWindow(policyExample))).toEqual(['1.31', '1.32']);
  });

  it('a single apiserver allows kubelets up to three minors older, never newer', () => {
    expect(allowedMinors(kubeletWindow(range('1.33.5')))).toEqual(['1.30', '1.31', '1.32', '1.33']);
    expect(allowedMinors(kubectlWindow(range('1.33.5')))).toEqual(['1.32', '1.33', '1.34']);
    expect(allowedMinors(controlPlaneWindow(range('1.33.5')))).toEqual(['1.32', '1.33']);
  });

  it.each([
    ['1.26.15', '1.24 to 1.26'],
    ['1.27.16', '1.25 to 1.27'],
    ['1.28.15', '1.25 to 1.28'],
    ['1.29.15', '1.26 to 1.29'],
  ])('kubelets older than 1.25 may be only two minors behind: apiserver %s allows %s', (api, expected) => {
    expect(describeWindow(kubeletWindow(range(api)))).toBe(expected);
  });

  it.each([
    ['1.28.15', '1.25 to 1.31'],
    ['1.26.15', '1.24 to 1.29'],
    ['1.21.14', '1.19 to 1.23'],
  ])('kube-proxy within three minors of kubelet %s either way, two when kube-proxy is older than 1.25: %s', (kubelet, expected) => {
    expect(describeWindow(kubeProxyKubeletWindow(v(kubelet)))).toBe(expected);
  });

  it('apiservers two minors apart leave no version for the controllers', () => {
    expect(allowedMinors(controlPlaneWindow(range('1.31.13', '1.33.5')))).toEqual([]);
    expect(describeWindow(controlPlaneWindow(range('1.31.13', '1.33.5')))).toBe('none (the kube-apiservers are too far apart)');
  });

  it('distribution suffixes do not change the minor', () => {
    const eks = range('v1.30.2-eks-a1b2c3');
    expect(inWindow(v('v1.27.16-eks-1552ad0'), kubeletWindow(eks))).toBe(true);
    expect(inWindow(v('v1.26.15-eks-1552ad0'), kubeletWindow(eks))).toBe(false);
    expect(inWindow(v('v1.29.4+k3s1'), kubectlWindow(range('1.30.2-gke.1000')))).toBe(true);
  });
});

let line = 0;
function raw(object: KubeObject): RawObject {
  line += 10;
  return { object, provenance: { type: 'file', file: 'cluster.yaml', line, column: 1 } };
}

function controlPlanePod(component: string, node: string, image: string): RawObject {
  return raw({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${component}-${node}`, namespace: 'kube-system', annotations: { 'kubernetes.io/config.mirror': 'x' } },
    spec: { nodeName: node, containers: [{ name: component, image }] },
  });
}

function kubeProxyPod(node: string, image: string): RawObject {
  return raw({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `kube-proxy-${node}`, namespace: 'kube-system' },
    spec: { nodeName: node, containers: [{ name: 'kube-proxy', image }] },
  });
}

function node(name: string, kubeletVersion: string, kubeProxyVersion?: string): RawObject {
  return raw({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    status: { nodeInfo: { kubeletVersion, ...(kubeProxyVersion ? { kubeProxyVersion } : {}) } },
  });
}

interface Scene {
  objects?: RawObject[];
  versionReports?: VersionReport[];
  target?: string;
  now?: string;
  kubectlVersion?: string;
  kubeadmVersion?: string;
}

function modelOf(scene: Scene): ClusterModel {
  return buildModel(
    {
      objects: scene.objects ?? [],
      versionReports: scene.versionReports ?? [],
      problems: [],
      skipped: [],
      gaps: [],
      scanned: ['cluster.yaml'],
    },
    {
      now: new Date(scene.now ?? '2026-11-20T00:00:00Z'),
      target: scene.target ? parseMinor(scene.target) : null,
      ...(scene.kubectlVersion ? { kubectlVersion: scene.kubectlVersion } : {}),
      ...(scene.kubeadmVersion ? { kubeadmVersion: scene.kubeadmVersion } : {}),
    },
  );
}

function check<O>(rule: Rule<O>, scene: Scene): Report[] {
  return reportsOf(rule, modelOf(scene), rule.defaultOptions);
}

const haPolicyExample = [
  controlPlanePod('kube-apiserver', 'cp-1', 'registry.k8s.io/kube-apiserver:v1.32.9'),
  controlPlanePod('kube-apiserver', 'cp-2', 'registry.k8s.io/kube-apiserver:v1.31.13'),
];

describe('skew findings name both versions and the allowed range', () => {
  it('kubelet newer than the oldest apiserver of an HA control plane', () => {
    const reports = check(kubeletVersionSkew, { objects: [...haPolicyExample, node('worker-1', 'v1.32.9'), node('worker-2', 'v1.29.15')] });
    expect(reports.map((r) => r.message)).toEqual([
      'kubelet v1.32.9 on node worker-1 is 1 minor newer than kube-apiserver v1.31.13; allowed kubelet minors: 1.29 to 1.31',
    ]);
  });

  it('kubelet too old for the newest apiserver of an HA control plane', () => {
    const [report, ...rest] = check(kubeletVersionSkew, { objects: [...haPolicyExample, node('worker-1', 'v1.28.15')] });
    expect(rest).toEqual([]);
    expect(report?.message).toContain('kubelet v1.28.15');
    expect(report?.message).toContain('kube-apiserver v1.32.9');
    expect(report?.message).toContain('1.29 to 1.31');
  });

  it('a 1.24 kubelet three minors behind is out, a 1.25 kubelet three behind is in', () => {
    const objects = [
      controlPlanePod('kube-apiserver', 'cp-1', 'registry.k8s.io/kube-apiserver:v1.27.16'),
      node('worker-1', 'v1.24.17'),
      node('worker-2', 'v1.25.16'),
    ];
    expect(check(kubeletVersionSkew, { objects }).map((r) => r.message)).toEqual([
      'kubelet v1.24.17 on node worker-1 is 3 minors older than kube-apiserver v1.27.16; allowed kubelet minors: 1.25 to 1.27',
    ]);
  });

  it('kubelet on EKS measured against the server version, suffixes and all', () => {
    const reports = check(kubeletVersionSkew, {
      versionReports: [{ provenance: { type: 'file', file: 'version.yaml', line: 1, column: 1 }, serverVersion: 'v1.30.2-eks-a1b2c3' }],
      objects: [node('ip-10-0-1-17.ec2.internal', 'v1.26.15-eks-1552ad0')],
    });
    expect(reports.map((r) => r.message)).toEqual([
      'kubelet v1.26.15 on node ip-10-0-1-17.ec2.internal is 4 minors older than kube-apiserver v1.30.2; allowed kubelet minors: 1.27 to 1.30',
    ]);
  });

  it('the policy example: a 1.32 scheduler is not allowed', () => {
    const reports = check(controlPlaneVersionSkew, {
      objects: [
        ...haPolicyExample,
        controlPlanePod('kube-scheduler', 'cp-1', 'registry.k8s.io/kube-scheduler:v1.32.9'),
        controlPlanePod('kube-scheduler', 'cp-2', 'registry.k8s.io/kube-scheduler:v1.31.13'),
      ],
    });
    expect(reports.map((r) => r.message)).toEqual([
      'kube-scheduler v1.32.9 on node cp-1 is 1 minor newer than kube-apiserver v1.31.13; allowed kube-scheduler minors: only 1.31',
    ]);
  });

  it('the policy example: kubectl 1.31 or 1.32 only', () => {
    expect(check(kubectlVersionSkew, { objects: haPolicyExample, kubectlVersion: 'v1.32.0' })).toEqual([]);
    expect(check(kubectlVersionSkew, { objects: haPolicyExample, kubectlVersion: 'v1.31.0' })).toEqual([]);
    expect(check(kubectlVersionSkew, { objects: haPolicyExample, kubectlVersion: 'v1.33.1' }).map((r) => r.message)).toEqual([
      'kubectl v1.33.1 is 2 minors newer than kube-apiserver v1.31.13; allowed kubectl minors: 1.31 to 1.32',
    ]);
    expect(check(kubectlVersionSkew, { objects: haPolicyExample, kubectlVersion: 'v1.30.14' }).map((r) => r.message)).toEqual([
      'kubectl v1.30.14 is 2 minors older than kube-apiserver v1.32.9; allowed kubectl minors: 1.31 to 1.32',
    ]);
  });

  it('kube-proxy against the apiserver and against the kubelet on its node', () => {
    const reports = check(kubeProxyVersionSkew, {
      objects: [
        controlPlanePod('kube-apiserver', 'cp-1', 'registry.k8s.io/kube-apiserver:v1.28.15'),
        node('worker-1', 'v1.28.15'),
        kubeProxyPod('worker-1', `registry.k8s.io/kube-proxy:v1.24.17@${DIGEST}`),
      ],
    });
    expect(reports.map((r) => r.message)).toEqual([
      'kube-proxy v1.24.17 on node worker-1 is 4 minors older than kube-apiserver v1.28.15; allowed kube-proxy minors: 1.25 to 1.28',
      'kube-proxy v1.24.17 on node worker-1 is 4 minors older than the kubelet v1.28.15 on the same node; allowed kube-proxy minors there: 1.25 to 1.31',
    ]);
  });

  it('the kube-proxy pod on a node wins over a stale nodeInfo.kubeProxyVersion', () => {
    const objects = [
      controlPlanePod('kube-apiserver', 'cp-1', 'registry.k8s.io/kube-apiserver:v1.33.5'),
      node('worker-1', 'v1.33.5', 'v1.28.15'),
      kubeProxyPod('worker-1', 'registry.k8s.io/kube-proxy:v1.33.5'),
    ];
    expect(check(kubeProxyVersionSkew, { objects })).toEqual([]);
  });

  it('HA apiservers two minors apart name both instances and the allowed minors', () => {
    const reports = check(apiserverVersionSkew, {
      objects: [
        controlPlanePod('kube-apiserver', 'cp-1', 'registry.k8s.io/kube-apiserver:v1.33.5'),
        controlPlanePod('kube-apiserver', 'cp-2', 'registry.k8s.io/kube-apiserver:v1.32.9'),
        controlPlanePod('kube-apiserver', 'cp-3', 'registry.k8s.io/kube-apiserver:v1.31.13'),
      ],
    });
    expect(reports.map((r) => r.message)).toEqual([
      'kube-apiserver v1.31.13 on node cp-3 is 2 minors older than kube-apiserver v1.33.5 on node cp-1; instances must be within one minor (allowed here: 1.33 or 1.32)',
    ]);
  });
});

describe('upgrade rules measure against the target', () => {
  const apiserver133 = controlPlanePod('kube-apiserver', 'cp-1', 'registry.k8s.io/kube-apiserver:v1.33.5');

  it('a kubelet fine today that a 1.34 control plane would leave behind', () => {
    const objects = [apiserver133, node('worker-1', 'v1.30.14'), node('worker-2', 'v1.31.13')];
    expect(check(kubeletVersionSkew, { objects })).toEqual([]);
    expect(check(upgradeBlockedByKubeletSkew, { objects, target: '1.34' }).map((r) => r.message)).toEqual([
      'kubelet v1.30.14 on node worker-1 would be 4 minors older than a 1.34 control plane (allowed: 1.31 to 1.34); upgrade it to at least 1.31 first',
    ]);
  });

  it('a 1.24 kubelet needs 1.25, not 1.26, before a 1.28 control plane', () => {
    const objects = [node('worker-1', 'v1.24.17'), node('worker-2', 'v1.25.16')];
    expect(check(upgradeBlockedByKubeletSkew, { objects, target: '1.28' }).map((r) => r.message)).toEqual([
      'kubelet v1.24.17 on node worker-1 would be 4 minors older than a 1.28 control plane (allowed: 1.25 to 1.28); upgrade it to at least 1.25 first',
    ]);
  });

  it('lists every minor on the way when the target skips some', () => {
    const objects = [controlPlanePod('kube-apiserver', 'cp-1', 'registry.k8s.io/kube-apiserver:v1.30.14')];
    expect(check(upgradeSkipsMinor, { objects, target: '1.33' }).map((r) => r.message)).toEqual([
      'target 1.33 is 3 minors above kube-apiserver v1.30.14; kubeadm upgrades one minor at a time: 1.30 → 1.31 → 1.32 → 1.33',
    ]);
    expect(check(upgradeSkipsMinor, { objects, target: '1.31' })).toEqual([]);
  });

  it('a target below the control plane is a downgrade', () => {
    expect(check(upgradeSkipsMinor, { objects: [apiserver133], target: '1.32' }).map((r) => r.message)).toEqual([
      'target 1.32 is below the current kube-apiserver v1.33.5: control planes cannot be downgraded',
    ]);
  });

  it('measures the path from the oldest apiserver of an HA control plane', () => {
    expect(check(upgradeSkipsMinor, { objects: haPolicyExample, target: '1.33' }).map((r) => r.message)).toEqual([
      'target 1.33 is 2 minors above kube-apiserver v1.31.13; kubeadm upgrades one minor at a time: 1.31 → 1.32 → 1.33',
    ]);
  });

  it('kubeadm older than the target minor is an error, older than the target patch a warning', () => {
    const objects = [controlPlanePod('kube-apiserver', 'cp-1', 'registry.k8s.io/kube-apiserver:v1.32.9')];
    const minor = check(kubeadmVersionMismatch, { objects, target: '1.33', kubeadmVersion: 'v1.32.9' });
    expect(minor.map((r) => [r.severity, r.message])).toEqual([
      [undefined, 'kubeadm v1.32.9 is older than the target 1.33: kubeadm must be upgraded to 1.33 before the control plane'],
    ]);
    expect(minor[0]?.remediation).toContain("kubeadm='1.33.x-*'");
    expect(minor[0]?.remediation).toContain("kubeadm='1.33.x-00'");
    const patch = check(kubeadmVersionMismatch, { objects, target: '1.33.4', kubeadmVersion: 'v1.33.1' });
    expect(patch.map((r) => r.severity)).toEqual(['warning']);
    expect(patch[0]?.remediation).toContain("kubeadm='1.33.4-1.1'");
    expect(patch[0]?.remediation).toContain("kubeadm='1.33.4-00'");
    expect(check(kubeadmVersionMismatch, { objects, target: '1.33.2', kubeadmVersion: '1.33.4-1.1' })).toEqual([]);
  });

  it('an etcd 3.5 below 3.5.24 cannot move to the 3.6 of a 1.34 target', () => {
    const objects = [
      controlPlanePod('etcd', 'cp-1', 'registry.k8s.io/etcd:3.5.21-0'),
      controlPlanePod('etcd', 'cp-2', 'registry:5000/etcd:3.5.24-0'),
    ];
    const reports = check(etcdVersionMismatch, { objects, target: '1.34' });
    expect(reports.map((r) => [r.severity ?? 'warning', r.message])).toEqual([
      ['error', 'etcd 3.5.21 on node cp-1 cannot move to etcd 3.6.5 that kubeadm ships for 1.34: every member must reach 3.5.24 or a later 3.5 first'],
      ['warning', 'etcd 3.5.24 on node cp-2 is older than etcd 3.6.5 that kubeadm ships for Kubernetes 1.34'],
    ]);
    expect(check(etcdVersionMismatch, { objects: [objects[1]!], target: '1.33' })).toEqual([]);
  });
});

describe('end of life is judged at the capture time', () => {
  const cluster135 = [controlPlanePod('kube-apiserver', 'cp-1', 'registry.k8s.io/kube-apiserver:v1.35.1')];

  it('90 days before end of life is a warning, 91 days is nothing', () => {
    // 1.35 reaches end of life on 2027-02-28.
    expect(check(unsupportedVersion, { objects: cluster135, now: '2026-11-30T00:00:00Z' }).map((r) => [r.severity, r.message])).toEqual([
      ['warning', 'Kubernetes 1.35 (kube-apiserver v1.35.1) reaches end of life on 2027-02-28, in 90 days'],
    ]);
    expect(check(unsupportedVersion, { objects: cluster135, now: '2026-11-29T00:00:00Z' })).toEqual([]);
  });

  it('past end of life is the rule\'s error; a kubelet on an end-of-life minor is a warning', () => {
    const reports = check(unsupportedVersion, {
      objects: [...cluster135, node('worker-1', 'v1.33.5')],
      now: '2027-03-01T00:00:00Z',
    });
    expect(reports.map((r) => [r.severity, r.message])).toEqual([
      [undefined, 'Kubernetes 1.35 (kube-apiserver v1.35.1) reached end of life on 2027-02-28; it gets no more security fixes'],
      ['warning', 'kubelet v1.33.5 on node worker-1 is on Kubernetes 1.33, which reached end of life on 2026-06-28'],
    ]);
    expect(unsupportedVersion.severity).toBe('error');
  });

  it('a minor older than the release table ended before the table starts', () => {
    const reports = check(unsupportedVersion, { objects: [controlPlanePod('kube-apiserver', 'cp-1', 'registry.k8s.io/kube-apiserver:v1.18.20')] });
    expect(reports.map((r) => r.message)).toEqual([
      'Kubernetes 1.18 (kube-apiserver v1.18.20) reached end of life before 2021-10-28; it gets no more security fixes',
    ]);
  });
});

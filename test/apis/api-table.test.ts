import { describe, expect, it } from 'vitest';
import {
  apiLifecycles,
  apiVersionTable,
  lifecycleOf,
  lifecycleOfResource,
  resourceOf,
  splitApiVersion,
  type ApiLifecycle,
} from '../../src/facts/api-table.js';
import { compareMinor, minorDistance, minorOf, type Version } from '../../src/model/version.js';

const label = (l: ApiLifecycle): string => `${l.apiVersion} ${l.kind}`;
const stability = (version: string): 'alpha' | 'beta' | 'stable' =>
  /alpha/.test(version) ? 'alpha' : /beta/.test(version) ? 'beta' : 'stable';
const before = (a: Version, b: Version): boolean => compareMinor(a, b) < 0;

describe('rules/data/api-versions.yaml', () => {
  it('says where it comes from and when it was taken', () => {
    expect(apiVersionTable.source.some((s) => s.includes('deprecation-guide'))).toBe(true);
    expect(apiVersionTable.taken).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('lists each apiVersion and kind once', () => {
    const seen = apiLifecycles.map(label);
    expect(seen.filter((s, i) => seen.indexOf(s) !== i)).toEqual([]);
  });

  it('writes versions as Kubernetes minors and apiVersions as group/version', () => {
    for (const row of apiVersionTable.apis) {
      expect(row.apiVersion, row.apiVersion).toMatch(/^([a-z0-9.-]+\/)?v\d+((alpha|beta)\d+)?$/);
      for (const field of ['deprecatedIn', 'removedIn', 'replacementSince'] as const) {
        if (row[field] !== undefined) expect(row[field], `${row.apiVersion} ${field}`).toMatch(/^1\.\d+$/);
      }
      if (row.replacement) expect(row.replacement).toMatch(/^([a-z0-9.-]+\/)?v\d+((alpha|beta)\d+)?$/);
      expect(row.kinds.length, row.apiVersion).toBeGreaterThan(0);
    }
  });

  it('knows every kind it lists, and every replacement kind, in its API group', () => {
    const unknown: string[] = [];
    for (const l of apiLifecycles) {
      if (!apiVersionTable.groups[l.group]?.includes(l.kind)) unknown.push(label(l));
      if (l.replacement) {
        const { group } = splitApiVersion(l.replacement.apiVersion);
        if (!apiVersionTable.groups[group]?.includes(l.replacement.kind)) unknown.push(`${label(l)} → ${l.replacement.apiVersion} ${l.replacement.kind}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('never removes a version before deprecating it', () => {
    const contradictions = apiLifecycles.filter((l) => l.deprecatedIn && l.removedIn && !before(l.deprecatedIn, l.removedIn));
    expect(contradictions.map(label)).toEqual([]);
  });

  it('follows the deprecation policy: stable versions stay, beta versions are served 3 releases after their deprecation', () => {
    // https://kubernetes.io/docs/reference/using-api/deprecation-policy/ rules #3 and #4a
    const stableRemoved = apiLifecycles.filter((l) => stability(l.version) === 'stable' && l.removedIn);
    expect(stableRemoved.map(label)).toEqual([]);
    const betas = apiLifecycles.filter((l) => stability(l.version) === 'beta' && l.removedIn);
    expect(betas.filter((l) => !l.deprecatedIn).map(label)).toEqual([]);
    expect(betas.filter((l) => l.deprecatedIn && minorDistance(l.removedIn!, l.deprecatedIn) < 3).map(label)).toEqual([]);
  });

  it('has every replacement served by the release that removes the old version', () => {
    const notYet = apiLifecycles.filter((l) => l.replacement && l.removedIn && before(l.removedIn, l.replacement.since));
    expect(notYet.map((l) => `${label(l)}: removed ${minorOf(l.removedIn!)}, replacement from ${minorOf(l.replacement!.since)}`)).toEqual([]);
    const goneFirst = apiLifecycles.filter((l) => {
      const next = l.replacement && lifecycleOf(l.replacement.apiVersion, l.replacement.kind);
      return next && next.removedIn && (!l.removedIn || !before(l.removedIn, next.removedIn));
    });
    expect(goneFirst.map(label)).toEqual([]);
    const self = apiLifecycles.filter((l) => l.replacement?.apiVersion === l.apiVersion);
    expect(self.map(label)).toEqual([]);
  });

  it('says what to do instead whenever there is no replacement', () => {
    const silent = apiLifecycles.filter((l) => !l.replacement && (!l.note || !l.instead));
    expect(silent.map(label)).toEqual([]);
  });

  it('agrees with the deprecation guide on the removals most clusters meet', () => {
    const removal = (apiVersion: string, kind: string): string | undefined => {
      const l = lifecycleOf(apiVersion, kind);
      return l?.removedIn ? `${minorOf(l.removedIn)} → ${l.replacement?.apiVersion ?? 'none'}` : undefined;
    };
    expect(removal('extensions/v1beta1', 'Deployment')).toBe('1.16 → apps/v1');
    expect(removal('extensions/v1beta1', 'Ingress')).toBe('1.22 → networking.k8s.io/v1');
    expect(removal('apiextensions.k8s.io/v1beta1', 'CustomResourceDefinition')).toBe('1.22 → apiextensions.k8s.io/v1');
    expect(removal('batch/v1beta1', 'CronJob')).toBe('1.25 → batch/v1');
    expect(removal('policy/v1beta1', 'PodDisruptionBudget')).toBe('1.25 → policy/v1');
    expect(removal('policy/v1beta1', 'PodSecurityPolicy')).toBe('1.25 → none');
    expect(removal('autoscaling/v2beta2', 'HorizontalPodAutoscaler')).toBe('1.26 → autoscaling/v2');
    expect(removal('storage.k8s.io/v1beta1', 'CSIStorageCapacity')).toBe('1.27 → storage.k8s.io/v1');
    expect(removal('flowcontrol.apiserver.k8s.io/v1beta2', 'FlowSchema')).toBe('1.29 → flowcontrol.apiserver.k8s.io/v1');
    expect(removal('flowcontrol.apiserver.k8s.io/v1beta3', 'PriorityLevelConfiguration')).toBe('1.32 → flowcontrol.apiserver.k8s.io/v1');
    expect(removal('storage.k8s.io/v1alpha1', 'VolumeAttributesClass')).toBe('1.35 → storage.k8s.io/v1');
    expect(removal('apps/v1', 'Deployment')).toBeUndefined();
  });
});

describe('resource names', () => {
  it('pluralises kinds the way the API server names resources', () => {
    expect(['CronJob', 'Ingress', 'PodSecurityPolicy', 'NetworkPolicy', 'Endpoints', 'FlowSchema', 'IPAddress', 'CSIStorageCapacity', 'PriorityClass', 'EndpointSlice'].map(resourceOf)).toEqual([
      'cronjobs', 'ingresses', 'podsecuritypolicies', 'networkpolicies', 'endpoints', 'flowschemas', 'ipaddresses', 'csistoragecapacities', 'priorityclasses', 'endpointslices',
    ]);
  });

  it('finds a lifecycle by group, version and resource, as the metric names them', () => {
    expect(label(lifecycleOfResource('batch', 'v1beta1', 'cronjobs')!)).toBe('batch/v1beta1 CronJob');
    expect(label(lifecycleOfResource('', 'v1', 'endpoints')!)).toBe('v1 Endpoints');
    expect(lifecycleOfResource('batch', 'v1', 'cronjobs')).toBeUndefined();
  });
});

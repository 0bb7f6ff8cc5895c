import { describe, expect, test } from 'vitest';
import { buildModel } from '../../../src/model/build.js';
import { reduceObject } from '../../../src/sources/live/reduce.js';
import { emptyInputs, type KubeObject } from '../../../src/sources/types.js';

const lastApplied = '{"apiVersion":"extensions/v1beta1","kind":"Deployment"}';

describe('objects are cut to what the model reads', () => {
  test('a pod keeps owners, node, scheduling, images, requests, volume types and readiness; drops the rest', () => {
    const pod = reduceObject(
      {
        metadata: {
          name: 'web-1',
          namespace: 'shop',
          uid: 'u1',
          resourceVersion: '42',
          labels: { app: 'web' },
          annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs', controller: true, blockOwnerDeletion: true }],
          managedFields: [{ manager: 'kubectl', fieldsV1: {} }],
        },
        spec: {
          nodeName: 'worker-1',
          tolerations: [{ operator: 'Exists' }],
          containers: [
            {
              name: 'web',
              image: 'nginx:1.27',
              command: ['nginx'],
              args: ['-g', 'daemon off;'],
              env: [{ name: 'PASSWORD', value: 'x' }],
              livenessProbe: { httpGet: { path: '/' } },
              resources: { requests: { cpu: '100m' } },
              ports: [{ containerPort: 80, hostPort: 8080 }],
            },
          ],
          volumes: [
            { name: 'scratch', emptyDir: { sizeLimit: '1Gi' } },
            { name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } },
            { name: 'data', persistentVolumeClaim: { claimName: 'data-0' } },
          ],
        },
        status: {
          phase: 'Running',
          podIP: '10.1.1.1',
          podIPs: [{ ip: '10.1.1.1' }],
          conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: 't' }],
          containerStatuses: [{ name: 'web', image: 'nginx:1.27', ready: true, restartCount: 2, state: { running: {} }, lastState: {} }],
        },
      },
      'v1',
      'Pod',
    );
    expect(pod).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web-1',
        namespace: 'shop',
        uid: 'u1',
        labels: { app: 'web' },
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs', controller: true }],
      },
      spec: {
        nodeName: 'worker-1',
        tolerations: [{ operator: 'Exists' }],
        containers: [
          {
            name: 'web',
            image: 'nginx:1.27',
            command: ['nginx'],
            args: ['-g', 'daemon off;'],
            resources: { requests: { cpu: '100m' } },
            ports: [{ containerPort: 80, hostPort: 8080 }],
          },
        ],
        volumes: [
          { name: 'scratch', emptyDir: { sizeLimit: '1Gi' } },
          { name: 'token', projected: {} },
          { name: 'data', persistentVolumeClaim: { claimName: 'data-0' } },
        ],
      },
      status: {
        phase: 'Running',
        podIP: '10.1.1.1',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [{ name: 'web', image: 'nginx:1.27', ready: true, restartCount: 2 }],
      },
    });
  });

  test('a node keeps versions, taints and allocatable, not its image list', () => {
    const node = reduceObject(
      {
        metadata: { name: 'n1' },
        spec: { taints: [{ key: 'k', effect: 'NoSchedule' }], unschedulable: true },
        status: {
          nodeInfo: { kubeletVersion: 'v1.33.1', kubeProxyVersion: 'v1.33.1' },
          allocatable: { cpu: '4' },
          capacity: { cpu: '4' },
          images: [{ names: ['a'], sizeBytes: 1 }],
          volumesInUse: ['x'],
        },
      },
      'v1',
      'Node',
    );
    expect(node.spec).toEqual({ taints: [{ key: 'k', effect: 'NoSchedule' }], unschedulable: true });
    expect(node.status).toEqual({ nodeInfo: { kubeletVersion: 'v1.33.1', kubeProxyVersion: 'v1.33.1' }, allocatable: { cpu: '4' }, capacity: { cpu: '4' } });
  });

  test('workloads keep their spec with the pod template cut like a pod, and status counters', () => {
    const deployment = reduceObject(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'shop' },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'web' } },
          strategy: { type: 'RollingUpdate' },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx', imagePullPolicy: 'Always' }] } },
        },
        status: { replicas: 3, readyReplicas: 3, conditions: [{ type: 'Available', status: 'True', message: 'long text' }] },
      },
      'apps/v1',
      'Deployment',
    );
    expect(deployment.spec).toEqual({
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate' },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
    });
    expect(deployment.status).toEqual({ replicas: 3, readyReplicas: 3, conditions: [{ type: 'Available', status: 'True' }] });
  });

  test('a CronJob keeps the pod template inside its job template', () => {
    const cronJob = reduceObject(
      {
        metadata: { name: 'nightly' },
        spec: { schedule: '0 2 * * *', jobTemplate: { spec: { backoffLimit: 2, template: { spec: { containers: [{ name: 'c', image: 'busybox', stdin: true }] } } } } },
      },
      'batch/v1',
      'CronJob',
    );
    expect(cronJob.spec).toEqual({
      schedule: '0 2 * * *',
      jobTemplate: { metadata: {}, spec: { backoffLimit: 2, template: { metadata: {}, spec: { containers: [{ name: 'c', image: 'busybox' }] } } } },
    });
  });

  test('a PDB keeps disruptionsAllowed but not the map of disrupted pods', () => {
    const pdb = reduceObject(
      { metadata: { name: 'web' }, spec: { minAvailable: 2 }, status: { disruptionsAllowed: 1, currentHealthy: 3, disruptedPods: { a: 't' } } },
      'policy/v1',
      'PodDisruptionBudget',
    );
    expect(pdb).toEqual({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { minAvailable: 2 }, status: { disruptionsAllowed: 1, currentHealthy: 3 } });
  });

  test('list items get the apiVersion and kind of their list', () => {
    expect(reduceObject({ metadata: { name: 'default' } }, 'v1', 'Namespace')).toMatchObject({ apiVersion: 'v1', kind: 'Namespace' });
  });

  test('a PersistentVolume keeps its node affinity and claimRef; a claim its volumeName; a Service its selector', () => {
    const affinity = { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['a'] }] }] } };
    expect(reduceObject(PV, 'v1', 'PersistentVolume')).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'data-a', uid: 'pv1' },
      spec: { nodeAffinity: affinity, claimRef: { namespace: 'shop', name: 'data' } },
    });
    expect(reduceObject(PVC, 'v1', 'PersistentVolumeClaim')).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', namespace: 'shop' },
      spec: { volumeName: 'data-a' },
    });
    expect(reduceObject(SERVICE, 'v1', 'Service')).toEqual({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'policy', namespace: 'webhooks' }, spec: { selector: { app: 'policy' } } });
  });

  test("a webhook configuration keeps each webhook's name, failurePolicy, service or url, rules and selectors; not its caBundle", () => {
    expect(reduceObject(WEBHOOKS, 'admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration')).toEqual({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'policy' },
      webhooks: [
        {
          name: 'pods.policy.example.com',
          failurePolicy: 'Fail',
          namespaceSelector: { matchLabels: { policy: 'enforced' } },
          objectSelector: { matchExpressions: [{ key: 'skip-policy', operator: 'DoesNotExist' }] },
          clientConfig: { service: { namespace: 'webhooks', name: 'policy' } },
          rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], resources: ['pods'] }],
        },
        { name: 'audit.example.com', clientConfig: { url: 'https://audit.example.com/validate' }, rules: [] },
      ],
    });
  });

  test('an APIService keeps spec.service and its conditions, not its caBundle', () => {
    expect(reduceObject(API_SERVICE, 'apiregistration.k8s.io/v1', 'APIService')).toEqual({
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: 'v1beta1.metrics.k8s.io' },
      spec: { service: { namespace: 'kube-system', name: 'metrics-server' } },
      status: { conditions: [{ type: 'Available', status: 'False', reason: 'MissingEndpoints' }] },
    });
    expect(reduceObject({ metadata: { name: 'v1.apps' }, spec: { group: 'apps', version: 'v1', groupPriorityMinimum: 17800 } }, 'apiregistration.k8s.io/v1', 'APIService')).toMatchObject({ spec: {} });
  });

  test('the model reads the same volumes, claims, Services, webhooks and APIServices from reduced objects as from whole ones', () => {
    const objects: [KubeObject, string, string][] = [
      [PV, 'v1', 'PersistentVolume'],
      [PVC, 'v1', 'PersistentVolumeClaim'],
      [SERVICE, 'v1', 'Service'],
      [WEBHOOKS, 'admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration'],
      [{ ...WEBHOOKS, kind: 'MutatingWebhookConfiguration', metadata: { name: 'inject' } }, 'admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration'],
      [API_SERVICE, 'apiregistration.k8s.io/v1', 'APIService'],
    ];
    const model = (reduce: boolean) => {
      const inputs = emptyInputs();
      for (const [object, apiVersion, kind] of objects) {
        const whole = { apiVersion, kind, ...object };
        inputs.objects.push({ object: reduce ? reduceObject(whole, apiVersion, kind) : whole, provenance: { type: 'live', cluster: 'c' } });
      }
      const m = buildModel(inputs, { now: new Date('2026-01-01T00:00:00Z') });
      expect(m.gaps).toEqual([]);
      return { pvs: m.persistentVolumes, claims: m.volumeClaims, services: m.services, webhooks: m.webhooks, apiServices: m.apiServices };
    };
    const whole = model(false);
    expect(model(true)).toEqual(whole);
    expect(whole.pvs?.[0]?.nodeAffinity).toEqual([[{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['a'] }]]);
    expect(whole.webhooks?.map((w) => `${w.kind} ${w.name} ${w.failurePolicy} ${w.service ? `${w.service.namespace}/${w.service.name}` : '-'}`)).toEqual([
      'ValidatingWebhookConfiguration pods.policy.example.com Fail webhooks/policy',
      'ValidatingWebhookConfiguration audit.example.com Fail -',
      'MutatingWebhookConfiguration pods.policy.example.com Fail webhooks/policy',
      'MutatingWebhookConfiguration audit.example.com Fail -',
    ]);
    expect(whole.apiServices?.[0]?.service).toEqual({ namespace: 'kube-system', name: 'metrics-server' });
  });

  test('a field of these kinds that is not of its API type is kept as it is, for the model to name', () => {
    expect(reduceObject({ metadata: { name: 'w' }, webhooks: 'none' }, 'admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration').webhooks).toBe('none');
    expect(reduceObject({ metadata: { name: 'w' }, webhooks: [{ name: 'x', clientConfig: 'svc', rules: {} }] }, 'admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration').webhooks).toEqual([
      { name: 'x', clientConfig: 'svc', rules: {} },
    ]);
    expect(reduceObject({ metadata: { name: 'p' }, spec: { claimRef: 'shop/data', nodeAffinity: [] } }, 'v1', 'PersistentVolume').spec).toEqual({ claimRef: 'shop/data', nodeAffinity: [] });
    expect(reduceObject({ metadata: { name: 's' }, spec: 'ClusterIP' }, 'v1', 'Service').spec).toBe('ClusterIP');
  });
});

const PV: KubeObject = {
  metadata: { name: 'data-a', uid: 'pv1', resourceVersion: '7', managedFields: [{ manager: 'kubectl' }] },
  spec: {
    capacity: { storage: '1Gi' },
    accessModes: ['ReadWriteOnce'],
    persistentVolumeReclaimPolicy: 'Retain',
    storageClassName: 'local',
    local: { path: '/mnt/data' },
    claimRef: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data', uid: 'pvc1', apiVersion: 'v1', resourceVersion: '5' },
    nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['a'] }] }] } },
  },
  status: { phase: 'Bound', lastPhaseTransitionTime: 't' },
};

const PVC: KubeObject = {
  metadata: { name: 'data', namespace: 'shop' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'local', volumeName: 'data-a', volumeMode: 'Filesystem' },
  status: { phase: 'Bound', capacity: { storage: '1Gi' } },
};

const SERVICE: KubeObject = {
  metadata: { name: 'policy', namespace: 'webhooks' },
  spec: { selector: { app: 'policy' }, ports: [{ port: 443, targetPort: 8443 }], clusterIP: '10.96.0.20', type: 'ClusterIP' },
  status: { loadBalancer: {} },
};

const WEBHOOKS: KubeObject = {
  metadata: { name: 'policy', resourceVersion: '9' },
  webhooks: [
    {
      name: 'pods.policy.example.com',
      admissionReviewVersions: ['v1'],
      sideEffects: 'None',
      timeoutSeconds: 5,
      matchPolicy: 'Equivalent',
      failurePolicy: 'Fail',
      clientConfig: { caBundle: 'LS0tLS1CRUdJTi...', service: { namespace: 'webhooks', name: 'policy', path: '/validate', port: 443 } },
      rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: '*' }],
      namespaceSelector: { matchLabels: { policy: 'enforced' } },
      objectSelector: { matchExpressions: [{ key: 'skip-policy', operator: 'DoesNotExist' }] },
      matchConditions: [{ name: 'not-system', expression: 'true' }],
    },
    { name: 'audit.example.com', admissionReviewVersions: ['v1'], sideEffects: 'None', clientConfig: { url: 'https://audit.example.com/validate', caBundle: 'LS0t' }, rules: [] },
  ],
};

const API_SERVICE: KubeObject = {
  metadata: { name: 'v1beta1.metrics.k8s.io' },
  spec: {
    group: 'metrics.k8s.io',
    version: 'v1beta1',
    groupPriorityMinimum: 100,
    versionPriority: 100,
    caBundle: 'LS0t',
    service: { namespace: 'kube-system', name: 'metrics-server', port: 443 },
  },
  status: { conditions: [{ type: 'Available', status: 'False', reason: 'MissingEndpoints', message: 'endpoints for service/metrics-server in "kube-system" have no addresses', lastTransitionTime: 't' }] },
};

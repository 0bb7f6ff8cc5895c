import { describe, expect, test } from 'vitest';
import { reduceObject } from '../../../src/sources/live/reduce.js';

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
});

import { describe, expect, it } from 'vitest';
import { minorOf } from '../../src/model/version.js';
import { skewPicture, type SkewRow } from '../../src/views/skew-picture.js';
import { demoScan } from '../report/demo-scan.js';

const minors = (w: SkewRow['allowed']): string | null => (w ? `${minorOf(w.min)}..${minorOf(w.max)}` : null);

function rowOf(rows: SkewRow[], component: string, label: string): SkewRow {
  const row = rows.find((r) => r.component === component && r.label === label);
  if (!row) throw new Error(`no ${component} row for ${label}: ${rows.map((r) => `${r.component} ${r.label}`).join(', ')}`);
  return row;
}

describe('version-skew picture', () => {
  it('has a row for every kube-apiserver, control-plane component, kubectl, kubelet and kube-proxy', async () => {
    const { model } = await demoScan();
    const picture = skewPicture(model);
    for (const node of model.nodes) {
      expect(rowOf(picture.rows, 'kubelet', node.name).group).toBe('nodes');
      expect(rowOf(picture.rows, 'kube-proxy', node.name).group).toBe('nodes');
    }
    expect(picture.rows.filter((r) => r.group === 'kube-apiserver').map((r) => r.version?.raw)).toEqual([
      'registry.k8s.io/kube-apiserver:v1.29.10',
      'registry.k8s.io/kube-apiserver:v1.31.4',
    ]);
    expect(picture.rows.filter((r) => r.group === 'control plane').map((r) => r.component).sort()).toEqual([
      'kube-controller-manager',
      'kube-scheduler',
      'kube-scheduler',
    ]);
    expect(rowOf(picture.rows, 'kubectl', '`kubectl version`').version?.raw).toBe('v1.33.1');
  });

  it('draws the window the skew policy allows now and at the target', async () => {
    const picture = skewPicture((await demoScan()).model);
    expect(picture.apiserver && `${minorOf(picture.apiserver.oldest)}..${minorOf(picture.apiserver.newest)}`).toBe('1.29..1.31');
    // kubelets: never newer than the oldest apiserver, at most 3 older than the newest.
    const node02 = rowOf(picture.rows, 'kubelet', 'node02');
    expect(minors(node02.allowed)).toBe('1.28..1.29');
    expect(node02.ok).toBe(false);
    expect(minors(node02.allowedAtTarget)).toBe('1.30..1.33');
    expect(rowOf(picture.rows, 'kubelet', 'controlplane-2').ok).toBe(true);
    // Control-plane components: between newest-1 and the oldest, empty when the apiservers are 2 apart.
    const scheduler = picture.rows.find((r) => r.component === 'kube-scheduler' && r.version !== null)!;
    expect(minors(scheduler.allowed)).toBe('1.30..1.29');
    expect(scheduler.ok).toBe(false);
  });

  it('keeps components whose version cannot be known, without judging them', async () => {
    const picture = skewPicture((await demoScan()).model);
    const unknown = picture.rows.find((r) => r.version === null);
    expect(unknown).toMatchObject({ component: 'kube-scheduler', label: 'on controlplane-2', ok: null });
    expect(unknown?.raw).toContain('@sha256:');
  });

  it('spans every minor from the oldest version to the newest window and the target', async () => {
    const picture = skewPicture((await demoScan()).model);
    const axis = picture.minors.map(minorOf);
    expect(axis[0]).toBe('1.26');
    expect(axis).toContain('1.33');
    axis.forEach((minor, i) => {
      if (i > 0) expect(Number(minor.split('.')[1]) - Number(axis[i - 1]!.split('.')[1])).toBe(1);
    });
  });

  it('draws no window when no kube-apiserver version is known', async () => {
    const { model } = await demoScan();
    const picture = skewPicture({ ...model, components: model.components.filter((c) => c.component !== 'kube-apiserver') });
    expect(picture.apiserver).toBeNull();
    expect(picture.rows.every((r) => r.allowed === null && r.ok === null)).toBe(true);
  });
});

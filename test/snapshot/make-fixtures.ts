/**
 * Writes the snapshot fixtures under fixtures/snapshots from a real etcd:
 *
 *   npm run build && node build/test/snapshot/make-fixtures.js fixtures/snapshots
 *
 * fixtures.test.ts checks each file's verdict, so regenerated files must keep them.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TestEtcd } from './etcd-harness.js';

const proto = (s: string) => Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.from(s)]);

async function main(out: string): Promise<void> {
  await mkdir(join(out, 'etcd-data-copy', 'member', 'snap'), { recursive: true });

  const cluster = await TestEtcd.start();
  try {
    for (const ns of ['default', 'kube-system', 'kube-public', 'web']) await cluster.put(`/registry/namespaces/${ns}`, proto(ns));
    for (const node of ['cp-1', 'worker-1', 'worker-2']) await cluster.put(`/registry/minions/${node}`, proto(node));
    for (let i = 0; i < 3; i++) await cluster.put(`/registry/pods/web/frontend-${i}`, proto(`frontend-${i}`));
    await cluster.put('/registry/pods/kube-system/etcd-cp-1', proto('etcd-cp-1'));
    await cluster.put('/registry/deployments/web/frontend', proto('frontend'));
    await cluster.put('/registry/secrets/web/db-password', Buffer.concat([Buffer.from('k8s:enc:aescbc:v1:key1:'), Buffer.from('0123456789abcdef')]));
    await cluster.put('/registry/services/specs/default/kubernetes', proto('kubernetes'));
    await cluster.put('/registry/apiextensions.k8s.io/customresourcedefinitions/backups.example.com', '{"kind":"CustomResourceDefinition"}');
    await cluster.del('/registry/pods/web/frontend-2');
    await cluster.snapshot(join(out, 'kubernetes.db'));
    await cluster.stop();
    await copyFile(join(cluster.dataDir, 'member', 'snap', 'db'), join(out, 'etcd-data-copy', 'member', 'snap', 'db'));
  } finally {
    await cluster.cleanup();
  }

  const plain = await TestEtcd.start();
  try {
    await plain.put('/app/config/feature-flags', '{"beta":true}');
    await plain.put('/app/leader', 'instance-7');
    await plain.snapshot(join(out, 'not-kubernetes.db'));
  } finally {
    await plain.cleanup();
  }

  const good = await readFile(join(out, 'kubernetes.db'));
  const flipped = Buffer.from(good);
  const at = flipped.lastIndexOf('frontend-1');
  flipped[at] = flipped[at]! ^ 0x20;
  await writeFile(join(out, 'changed-after-save.db'), flipped);
  await writeFile(join(out, 'interrupted-copy.db'), good.subarray(0, Math.floor(good.length / 2)));
}

main(process.argv[2] ?? 'fixtures/snapshots').catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});

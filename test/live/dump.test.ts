import { readFileSync, rmSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { readLive } from '../../src/sources/live/index.js';
import { useTestCluster } from '../cluster/use-cluster.js';
import { CONTEXTS } from '../cluster/start.js';
import { dumpCluster } from '../cluster/dump.js';

const cluster = useTestCluster();

interface Item {
  kind: string;
  metadata: { namespace?: string; name: string };
}

describe('dumping the test cluster with kubectl', () => {
  test('the dump holds the same objects the live source reads, the kubeadm ConfigMap and the server version', async () => {
    const c = cluster();
    const live = await readLive({ kubeconfig: c.kubeconfigPath, context: CONTEXTS.reader, progress: null });
    const dump = await dumpCluster(c.kubeconfigPath, { context: CONTEXTS.admin, kubectl: c.kubectl });
    try {
      const lists = [dump.objectsFile].map((file) => parse(readFileSync(file, 'utf8')) as { kind: string; items: Item[] });
      expect(lists.map((l) => l.kind)).toEqual(['List']);
      const key = (kind: string, ns: string | undefined, name: string | undefined): string => `${kind} ${ns ?? ''}/${name ?? ''}`;
      const dumped = lists.flatMap((l) => l.items).map((i) => key(i.kind, i.metadata.namespace, i.metadata.name)).sort();
      expect(lists[0]?.items.map((i) => i.kind)).toEqual(expect.arrayContaining(['Service', 'APIService']));
      const read = live.objects
        .filter((o) => o.object.kind !== 'ConfigMap')
        .map((o) => key(String(o.object.kind), o.object.metadata?.namespace, o.object.metadata?.name))
        .sort();
      expect(dumped).toEqual(read);

      const configMap = parse(readFileSync(dump.kubeadmConfigFile, 'utf8')) as Item;
      expect(key(configMap.kind, configMap.metadata.namespace, configMap.metadata.name)).toBe('ConfigMap kube-system/kubeadm-config');
      const version = JSON.parse(readFileSync(dump.versionFile, 'utf8')) as { serverVersion: { gitVersion: string }; clientVersion?: unknown };
      expect(version.serverVersion.gitVersion).toBe(c.version);
      expect(version.clientVersion).toBeUndefined();
    } finally {
      rmSync(dump.dir, { recursive: true, force: true });
    }
  });
});

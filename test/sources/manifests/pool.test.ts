import { existsSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeManifestTree } from '../../bench/generate/manifest-tree.js';
import { withTempDir } from '../helpers.js';

/**
 * The worker threads run build/src/sources/manifests/manifest-worker.js (tsc's
 * output; the test runner's own transform does not reach a Worker), so this
 * compares the built reader's two paths; `npx tsc -p tsconfig.json` must have run.
 */
const BUILT = new URL('../../../build/src/sources/manifests/', import.meta.url);

type Reader = typeof import('../../../src/sources/manifests/index.js');
type Pool = typeof import('../../../src/sources/manifests/pool.js');

async function built(): Promise<{ reader: Reader; pool: Pool }> {
  if (!existsSync(new URL('manifest-worker.js', BUILT))) throw new Error('build/ is missing: run npx tsc -p tsconfig.json before this test');
  const reader = (await import(new URL('index.js', BUILT).href)) as Reader;
  const pool = (await import(new URL('pool.js', BUILT).href)) as Pool;
  return { reader, pool };
}

/** Files the generated tree lacks: problems, skipped documents, gaps, a duplicate through a link, a file read as a stream. */
async function oddFiles(dir: string): Promise<void> {
  const odd = join(dir, 'teams', 'odd');
  await mkdir(odd, { recursive: true });
  await writeFile(join(odd, 'empty.yaml'), '');
  await writeFile(join(odd, 'broken.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n---\nkind: [unclosed\n');
  await writeFile(join(odd, 'not-kubernetes.yaml'), 'just: data\n---\n- a\n- b\n');
  await writeFile(join(odd, 'binary.yaml'), Buffer.from([0x61, 0x3a, 0x00, 0x62]));
  await writeFile(join(odd, 'utf16.yaml'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: wide\n', 'utf16le')]));
  await writeFile(join(odd, 'list.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'batch/v1beta1', kind: 'CronJob', metadata: { name: 'c' } }] }));
  await writeFile(join(odd, 'version.json'), JSON.stringify({ clientVersion: { gitVersion: 'v1.33.1' }, serverVersion: { gitVersion: 'v1.32.4' } }));
  // Over one read chunk (1 MB): read as a stream, not in one piece.
  const big = Array.from({ length: 9000 }, (_, i) => `- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: big-${i}\n  data:\n    k: "${'x'.repeat(80)}"`).join('\n');
  await writeFile(join(odd, 'big.yaml'), `apiVersion: v1\nkind: List\nitems:\n${big}\n`);
  await symlink(join(dir, 'teams', 'team-000', 'app-00'), join(odd, 'linked-app'));
  await symlink(join(odd, 'missing.yaml'), join(odd, 'dangling.yaml'));
}

describe('reading a folder on worker threads', () => {
  it('gives the same inputs, in the same order, as reading it on the main thread', async () => {
    const { reader, pool } = await built();
    expect(pool.usePool('always', 1)).toBe(true);
    expect(pool.usePool('auto', 10)).toBe(false);
    expect(pool.usePool('never', 100000)).toBe(false);
    await withTempDir(async (dir) => {
      const stats = await writeManifestTree(dir, { files: 300, seed: 5 });
      expect(stats.documents).toBeGreaterThan(500);
      await oddFiles(dir);
      // The same folder twice, and a folder inside it: every file is read once, where it is first reached.
      const paths = [join(dir, 'teams', 'team-001'), dir, join(dir, 'teams', 'odd', 'broken.yaml')];
      const here = await reader.readPaths(paths, { pool: 'never' });
      const pooled = await reader.readPaths(paths, { pool: 'always' });
      expect(here.objects.length).toBeGreaterThan(stats.documents);
      expect(here.problems.length).toBeGreaterThan(0);
      expect(here.skipped.length).toBeGreaterThan(0);
      expect(here.gaps.length).toBeGreaterThan(0);
      expect(here.versionReports.length).toBe(1);
      expect(pooled).toEqual(here);
      expect(JSON.stringify(pooled)).toBe(JSON.stringify(here));
    });
  });

  it('reads relative paths from the given folder the same way', async () => {
    const { reader } = await built();
    await withTempDir(async (dir) => {
      await writeManifestTree(join(dir, 'tree'), { files: 120, seed: 9 });
      const here = await reader.readPaths(['tree'], { cwd: dir, pool: 'never' });
      const pooled = await reader.readPaths(['tree'], { cwd: dir, pool: 'always' });
      expect(here.scanned[0]).toMatch(/^tree\//);
      expect(JSON.stringify(pooled)).toBe(JSON.stringify(here));
    });
  });
});

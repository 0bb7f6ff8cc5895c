import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readPaths } from '../../../src/sources/manifests/index.js';
import { filePosition, withTempDir } from '../helpers.js';

function namespace(name: string): string {
  return `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;
}

/** A tree with manifests at several depths, plus files and folders a scan must leave alone. */
async function tree(dir: string): Promise<void> {
  const files: Record<string, string> = {
    'a.yaml': namespace('a'),
    'apps/b.yml': namespace('b'),
    'apps/deep/c.json': '{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "c"}}',
    'apps/deep/D.YAML': namespace('d'),
    'apps/notes.txt': namespace('txt'),
    'apps/.kcheck.yaml': 'rules: {}\n',
    '.git/config.yaml': namespace('git'),
    'node_modules/pkg/x.yaml': namespace('node-modules'),
    'apps/.hidden/e.yaml': namespace('hidden'),
  };
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

function names(inputs: Awaited<ReturnType<typeof readPaths>>): string[] {
  return inputs.objects.map((o) => String(o.object.metadata?.name));
}

describe('paths: files, folders, patterns and stdin', () => {
  it('reads a folder recursively: YAML and JSON files only, no hidden folders, no node_modules', async () => {
    await withTempDir(async (dir) => {
      await tree(dir);
      const read = await readPaths(['.'], { cwd: dir });
      expect(names(read)).toEqual(['a', 'b', 'd', 'c']);
      expect(read.scanned).toEqual(['./a.yaml', './apps/b.yml', './apps/deep/D.YAML', './apps/deep/c.json']);
      expect(read.gaps).toEqual([]);
      expect(read.skipped).toEqual([]);
    });
  });

  it('names files found in a folder after the folder as given', async () => {
    await withTempDir(async (dir) => {
      await tree(dir);
      const relative = await readPaths(['apps/'], { cwd: dir });
      expect(relative.objects.map((o) => filePosition(o.provenance).file)).toEqual(['apps/b.yml', 'apps/deep/D.YAML', 'apps/deep/c.json']);
      const absolute = await readPaths([join(dir, 'apps')]);
      expect(absolute.objects.map((o) => filePosition(o.provenance).file)[0]).toBe(join(dir, 'apps', 'b.yml'));
    });
  });

  it('reads a file it reaches twice only once, and follows links to folders without looping', async () => {
    await withTempDir(async (dir) => {
      await tree(dir);
      await symlink(join(dir, 'apps'), join(dir, 'apps', 'deep', 'loop'));
      const inputs = await readPaths(['a.yaml', '.', './a.yaml'], { cwd: dir });
      expect(names(inputs).sort()).toEqual(['a', 'b', 'c', 'd']);
      expect(inputs.gaps).toEqual([]);
    });
  });

  it('expands shell patterns: *, **, ? and [...]', async () => {
    await withTempDir(async (dir) => {
      await tree(dir);
      const cases: [string, string[]][] = [
        ['*.yaml', ['a']],
        ['apps/*', ['b', 'c', 'd', 'txt']],
        ['**/*.yml', ['b']],
        ['apps/**/*.json', ['c']],
        ['apps/deep/?.json', ['c']],
        ['apps/deep/[cD].*', ['c', 'd']],
        ['apps/deep/[a-c].json', ['c']],
        ['apps/deep/[!D].*', ['c']],
        ['a*', ['a', 'b', 'c', 'd']],
      ];
      for (const [pattern, expected] of cases) {
        const inputs = await readPaths([pattern], { cwd: dir });
        expect({ pattern, names: names(inputs).sort() }).toEqual({ pattern, names: expected });
        expect(inputs.gaps).toEqual([]);
      }
    });
  });

  it("names files matched by a pattern in the pattern's own style", async () => {
    await withTempDir(async (dir) => {
      await tree(dir);
      const inputs = await readPaths(['./apps/**/*.json'], { cwd: dir });
      expect(inputs.scanned).toEqual(['./apps/deep/c.json']);
      const absolute = await readPaths([`${dir}/apps/deep/*.json`]);
      expect(absolute.scanned).toEqual([join(dir, 'apps/deep/c.json')]);
    });
  });

  it('makes a pattern that matches nothing a scan gap', async () => {
    await withTempDir(async (dir) => {
      const inputs = await readPaths(['*.yaml'], { cwd: dir });
      expect(inputs.gaps).toEqual([{ what: '*.yaml', reason: 'no files match this pattern' }]);
    });
  });

  it('reads a file whose name only looks like a pattern', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'odd[1].yaml'), namespace('odd'));
      expect(names(await readPaths(['odd[1].yaml'], { cwd: dir }))).toEqual(['odd']);
    });
  });

  it('reads - from stdin, as <stdin>, once', async () => {
    const stdin = new PassThrough();
    stdin.end('---\n' + namespace('from-stdin'));
    const inputs = await readPaths(['-', '-'], { stdin });
    expect(inputs.objects.map((o) => filePosition(o.provenance))).toEqual([{ file: '<stdin>', line: 2, column: 1 }]);
    expect(inputs.scanned).toEqual(['<stdin>']);
  });

  it('reads a named pipe, as bash passes <(kubectl get pods -o yaml)', async () => {
    await withTempDir(async (dir) => {
      const fifo = join(dir, 'pipe');
      execFileSync('mkfifo', [fifo]);
      const writer = writeFile(fifo, namespace('piped'));
      const inputs = await readPaths([fifo]);
      await writer;
      expect(names(inputs)).toEqual(['piped']);
      expect(inputs.gaps).toEqual([]);
    });
  });
});

import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPaths } from '../../../src/sources/manifests/index.js';
import { filePosition, fixture, placed, withTempDir } from '../helpers.js';
import { kcheckAsNobody, runsAsRoot } from '../../helpers/unprivileged.js';


describe('documents that are not what they should be', () => {
  it('reports a malformed YAML document at its line and still reads the documents around it', async () => {
    const inputs = await readPaths([fixture('broken-middle.yaml')]);
    expect(placed(inputs)).toEqual(['ConfigMap first @ 1:1', 'ConfigMap last @ 16:1']);
    expect(inputs.problems).toHaveLength(1);
    const problem = inputs.problems[0]!;
    expect(problem.provenance.file).toBe(fixture('broken-middle.yaml'));
    expect(problem.provenance.line).toBeGreaterThanOrEqual(12);
    expect(problem.provenance.line).toBeLessThanOrEqual(15);
    expect(problem.message).toMatch(/^invalid YAML: /);
    expect(problem.message).not.toMatch(/at line \d+/);
  });

  it('reports content after a `...` document end at its line instead of dropping it, and takes a comment there', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'ends.yaml');
      await writeFile(file, 'kind: ConfigMap\napiVersion: v1\nmetadata: {name: a}\n...  data: {x: "1"}\n---\nkind: ConfigMap\napiVersion: v1\nmetadata: {name: b}\n... # done\n');
      const inputs = await readPaths([file]);
      expect(placed(inputs)).toEqual(['ConfigMap a @ 1:1', 'ConfigMap b @ 6:1']);
      expect(inputs.problems.map((p) => [p.provenance.line, p.message.startsWith('invalid YAML: ')])).toEqual([[4, true]]);
    });
  });

  it('reports a malformed JSON list item at the offending character and still reads the other items', async () => {
    const inputs = await readPaths([fixture('broken-item.json')]);
    expect(inputs.objects.map((o) => o.object.metadata?.name)).toEqual(['good-1', 'good-2']);
    expect(inputs.problems).toHaveLength(1);
    const problem = inputs.problems[0]!;
    expect(problem.message).toMatch(/^invalid JSON: /);
    expect(filePosition(problem.provenance)).toMatchObject({ line: 6, column: 75 });
  });

  it('reports a JSON file cut off in the middle and keeps the items before the cut', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'cut.json');
      await writeFile(
        file,
        '{"apiVersion": "v1", "kind": "List", "items": [\n  {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}},\n  {"apiVersion": "v1", "kind": "Namesp',
      );
      const inputs = await readPaths([file]);
      expect(placed(inputs)).toEqual(['Namespace a @ 2:3']);
      expect(inputs.problems.map((p) => [p.provenance.line, p.provenance.column])).toEqual([[3, 3]]);
      expect(inputs.problems[0]?.message).toMatch(/end of input/);
    });
  });

  it('reports text after a JSON value and reads the next value that starts a line', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'two.json');
      await writeFile(
        file,
        '{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}} trailing words\n{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "b"}}\n',
      );
      const inputs = await readPaths([file]);
      expect(placed(inputs)).toEqual(['Namespace a @ 1:1', 'Namespace b @ 2:1']);
      expect(inputs.problems.map((p) => [p.provenance.line, p.provenance.column, p.message])).toEqual([
        [1, 70, 'invalid JSON: text after the end of the JSON value'],
      ]);
    });
  });

  it('reports duplicate keys, which kubectl also refuses', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'dup.yaml');
      await writeFile(file, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  name: b\n');
      const inputs = await readPaths([file]);
      expect(inputs.objects).toEqual([]);
      expect(inputs.problems.map((p) => p.provenance.line)).toEqual([5]);
    });
  });

  it('reports a malformed item of a large YAML list and keeps the others', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'list.yaml');
      await writeFile(
        file,
        [
          'apiVersion: v1',
          'items:',
          '- apiVersion: v1',
          '  kind: Namespace',
          '  metadata: {name: a}',
          '- apiVersion: v1',
          '  kind: Namespace',
          '  metadata: {name: "b}',
          '- apiVersion: v1',
          '  kind: Namespace',
          '  metadata: {name: c}',
          'kind: List',
          '',
        ].join('\n'),
      );
      const inputs = await readPaths([file]);
      expect(placed(inputs)).toEqual(['Namespace a @ 3:3', 'Namespace c @ 9:3']);
      expect(inputs.problems).toHaveLength(1);
      expect(inputs.problems[0]!.provenance.line).toBeGreaterThanOrEqual(6);
      expect(inputs.problems[0]!.provenance.line).toBeLessThanOrEqual(8);
    });
  });

  it('skips and counts documents that are not Kubernetes objects', async () => {
    const inputs = await readPaths([fixture('not-kubernetes.yaml')]);
    expect(placed(inputs)).toEqual(['Service web @ 6:1']);
    expect(inputs.problems).toEqual([]);
    expect(inputs.skipped.map((s) => [s.provenance.line, s.reason])).toEqual([
      [2, 'not a Kubernetes object (no apiVersion or kind)'],
      [14, 'not a Kubernetes object (a string)'],
      [16, 'not a Kubernetes object (no apiVersion)'],
    ]);
  });

  it('skips a binary file with a manifest extension, saying why', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'snapshot.yaml');
      await writeFile(file, Buffer.from([0xed, 0x0c, 0xda, 0xed, 0x00, 0x00, 0x00, 0x02, 0x41, 0x00]));
      const inputs = await readPaths([file]);
      expect(inputs.objects).toEqual([]);
      expect(inputs.problems).toEqual([]);
      expect(inputs.skipped.map((s) => s.reason)).toEqual(['binary file (contains NUL bytes), not YAML or JSON']);
      expect(inputs.gaps).toEqual([]);
    });
  });

  it('skips an empty file, saying so, but not a file of comments and separators', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'empty.yaml'), '');
      await writeFile(join(dir, 'blank.yaml'), '\n   \n');
      await writeFile(join(dir, 'comments.yaml'), '# nothing yet\n---\n---\n# still nothing\n');
      const inputs = await readPaths([join(dir, 'empty.yaml'), join(dir, 'blank.yaml'), join(dir, 'comments.yaml')]);
      expect(inputs.skipped.map((s) => [s.provenance.file, s.reason])).toEqual([
        [join(dir, 'empty.yaml'), 'empty file'],
        [join(dir, 'blank.yaml'), 'empty file'],
      ]);
      expect(inputs.problems).toEqual([]);
      expect(inputs.gaps).toEqual([]);
      expect(inputs.scanned).toHaveLength(3);
    });
  });

  it('makes a missing path a scan gap with a plain message', async () => {
    const inputs = await readPaths(['no/such/file.yaml']);
    expect(inputs.gaps).toEqual([{ what: 'no/such/file.yaml', reason: 'cannot read: no such file or directory' }]);
    expect(inputs.scanned).toEqual([]);
  });

  it('makes an unreadable file and an unreadable folder scan gaps', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'secret.yaml');
      await writeFile(file, 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n');
      await chmod(file, 0o000);
      const folder = join(dir, 'locked');
      await mkdir(folder);
      await chmod(folder, 0o000);
      const expected = [
        { what: file, reason: 'cannot read: permission denied' },
        { what: folder, reason: 'cannot read folder: permission denied' },
      ];
      if (runsAsRoot) {
        // Root reads anything: the CLI runs as nobody, from a folder nobody may enter.
        await chmod(dir, 0o755);
        const run = kcheckAsNobody(['scan', file, folder, '--format', 'json', '--now', '2026-11-20T00:00:00Z', '--config', '/dev/null']);
        expect(run.stderr).not.toMatch(/\n\s+at /);
        expect(run.code).toBe(2);
        expect((JSON.parse(run.stdout) as { incomplete: { gaps: unknown[] } }).incomplete.gaps).toEqual(expected);
      } else {
        expect((await readPaths([file, folder])).gaps).toEqual(expected);
      }
      await chmod(folder, 0o700);
    });
  });

  it('makes a named folder without manifests a scan gap', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'README.md'), '# not a manifest\n');
      const inputs = await readPaths([dir]);
      expect(inputs.gaps).toEqual([{ what: dir, reason: 'no *.yaml, *.yml or *.json files in this folder' }]);
    });
  });
});

import { createWriteStream } from 'node:fs';
import { truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/cli/config-file.js';
import { UsageError } from '../../src/engine/errors.js';
import { readPaths } from '../../src/sources/manifests/index.js';
import { readManifestFile } from '../../src/sources/manifests/read-file.js';
import { CONFIG_MAX_BYTES, MANIFEST_MAX_BYTES, openForReading, readOpened } from '../../src/sources/open-file.js';
import { inspectSnapshot } from '../../src/sources/snapshot/index.js';
import { emptyInputs } from '../../src/sources/types.js';
import { rules } from '../../rules/index.js';
import { gapsOf, kcheck, mkfifo, canMakeDevices, mknodZero, noStackTrace } from './file-cli.js';
import { withTempDir } from './helpers.js';

const NOW = ['--now', '2026-11-20T00:00:00Z'];
const NAMESPACE = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n';
/** A Node whose kubelet is long past end of life: a warning (exit 0 by default), so the object was read. */
const OLD_NODE = 'apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\nstatus:\n  nodeInfo:\n    kubeletVersion: v1.20.1\n';

/** Writes `text` into a FIFO once a reader opens it (opening for writing waits for one). */
async function feed(fifo: string, text: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(fifo);
    out.once('error', reject);
    out.end(text, () => resolve());
  });
}

describe('--config that is not a regular file', () => {
  it('refuses /dev/zero at once with exit 2, naming it and why', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'a.yaml'), NAMESPACE);
      const run = await kcheck(['scan', 'a.yaml', '--config', '/dev/zero', ...NOW], { cwd: dir, stopAfterMs: 30_000 });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('cannot read config /dev/zero: is a character device, not a regular file');
      noStackTrace(run.stderr);
    });
  });

  it('refuses a FIFO without waiting for a writer', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'a.yaml'), NAMESPACE);
      mkfifo(join(dir, 'config.fifo'));
      const run = await kcheck(['scan', 'a.yaml', '--config', 'config.fifo', ...NOW], { cwd: dir, stopAfterMs: 30_000 });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('cannot read config config.fifo: is a FIFO (named pipe), not a regular file');
    });
  });

  it('refuses a config over the size limit before reading it (a sparse file: nothing is written)', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'a.yaml'), NAMESPACE);
      const big = join(dir, 'big.kcheck.yaml');
      await writeFile(big, 'failOn: error\n');
      await truncate(big, CONFIG_MAX_BYTES + 1);
      const run = await kcheck(['scan', 'a.yaml', '--config', big, ...NOW], { cwd: dir, stopAfterMs: 30_000 });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`cannot read config ${big}: is 16 MiB (${CONFIG_MAX_BYTES + 1} bytes), over the 16 MiB limit for a config file`);
    });
  });

  it('still reads /dev/null as no configuration, and a regular file as before', async () => {
    await withTempDir(async (dir) => {
      expect(loadConfig('/dev/null', rules)).toMatchObject({ file: '/dev/null', rules: {}, ignore: [] });
      await writeFile(join(dir, 'k.yaml'), 'failOn: warning\n');
      expect(loadConfig(join(dir, 'k.yaml'), rules).failOn).toBe('warning');
      expect(() => loadConfig(join(dir, 'none.yaml'), rules)).toThrow(new UsageError(`cannot read config ${join(dir, 'none.yaml')}: no such file or directory`));
    });
  });
});

describe('kcheck snapshot on what is not a regular file', () => {
  it('refuses a FIFO at once (exit 2) instead of waiting for a writer', async () => {
    await withTempDir(async (dir) => {
      mkfifo(join(dir, 'snapshot.db'));
      const run = await kcheck(['snapshot', join(dir, 'snapshot.db')], { stopAfterMs: 30_000 });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`kcheck: ${join(dir, 'snapshot.db')}: is a FIFO (named pipe), not a snapshot file`);
      noStackTrace(run.stderr);
    });
  });

  it('refuses a device, naming what it is', async () => {
    const run = await kcheck(['snapshot', '/dev/zero'], { stopAfterMs: 30_000 });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('kcheck: /dev/zero: is a character device, not a snapshot file');
    await expect(inspectSnapshot('/dev/null')).rejects.toThrow('/dev/null: is a character device, not a snapshot file');
  });

  it('names a FIFO with a snapshot name in a backup folder instead of skipping it', async () => {
    await withTempDir(async (dir) => {
      mkfifo(join(dir, 'etcd-2026-11-19.db'));
      const run = await kcheck(['snapshot', dir], { stopAfterMs: 30_000 });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`kcheck: ${join(dir, 'etcd-2026-11-19.db')}: is a FIFO (named pipe), not a snapshot file`);
    });
  });
});

describe('manifests that are not regular files', () => {
  it('refuses /dev/zero named on the command line (exit 2), instead of reporting "no problems"', async () => {
    const run = await kcheck(['scan', '/dev/zero', '--format', 'json', '--config', '/dev/null', ...NOW], { stopAfterMs: 30_000 });
    expect(run.code).toBe(2);
    expect(gapsOf(run)).toEqual([{ what: '/dev/zero', reason: 'cannot read: is a character device, not a regular file' }]);
  });

  it('streams a FIFO named on the command line to its end, like stdin, waiting for its writer', async () => {
    await withTempDir(async (dir) => {
      const fifo = join(dir, 'nodes.yaml');
      mkfifo(fifo);
      const run = await kcheck(['scan', fifo, '--format', 'json', '--config', '/dev/null', ...NOW], {
        whileRunning: () => feed(fifo, OLD_NODE),
      });
      expect(run.code).toBe(0);
      const report = JSON.parse(run.stdout) as { scanned: string[]; findings: { ruleId: string; location: { file: string } }[]; incomplete: unknown };
      expect(report.scanned).toEqual([fifo]);
      expect(report.incomplete).toBeNull();
      expect(report.findings.find((f) => f.ruleId === 'unsupported-version')?.location.file).toBe(fifo);
    });
  });

  it('still reads stdin (`kubectl get -o yaml | kcheck scan -`)', async () => {
    const run = await kcheck(['scan', '-', '--format', 'json', '--config', '/dev/null', ...NOW], { input: OLD_NODE });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { scanned: string[]; findings: { ruleId: string }[] };
    expect(report.scanned).toEqual(['<stdin>']);
    expect(report.findings.map((f) => f.ruleId)).toContain('unsupported-version');
  });

  it('names a FIFO found while walking a folder as unreadable, never waiting on it', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'a.yaml'), NAMESPACE);
      mkfifo(join(dir, 'b.yaml'));
      mkfifo(join(dir, 'notes.txt'));
      const inputs = await readPaths([dir]);
      expect(inputs.scanned).toEqual([join(dir, 'a.yaml')]);
      expect(inputs.gaps).toEqual([{ what: join(dir, 'b.yaml'), reason: 'cannot read: is a FIFO (named pipe), not a regular file' }]);
    });
  });

  it('refuses a manifest over the size limit before reading it (a sparse file)', async () => {
    await withTempDir(async (dir) => {
      const big = join(dir, 'dump.yaml');
      await writeFile(big, NAMESPACE);
      await truncate(big, MANIFEST_MAX_BYTES + 1);
      const run = await kcheck(['scan', big, '--format', 'json', '--config', '/dev/null', ...NOW], { stopAfterMs: 30_000 });
      expect(run.code).toBe(2);
      expect(gapsOf(run)).toEqual([
        { what: big, reason: `cannot read: is 2 GiB (${MANIFEST_MAX_BYTES + 1} bytes), over the 2 GiB limit for a manifest file; split it, or send it to kcheck scan - on stdin` },
      ]);
    });
  });

  it('reads at most limit + 1 bytes of a file that grows past the limit while it is read', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'growing.yaml');
      const text = `${NAMESPACE}---\n${NAMESPACE.replace('name: a', 'name: b')}`;
      await writeFile(file, text);
      const inputs = emptyInputs();
      await readManifestFile(file, inputs, { maxBytes: 20 });
      expect(inputs.gaps).toEqual([{ what: file, reason: `cannot read: is ${text.length} bytes, over the 20 bytes limit for a manifest file; split it, or send it to kcheck scan - on stdin` }]);

      // The file as fstat saw it was under the limit; it is longer when read: the read stops one byte past the limit.
      const opened = await openForReading(file);
      let asked = 0;
      const read = opened.handle.read.bind(opened.handle);
      const counting = Object.assign(Object.create(opened.handle) as typeof opened.handle, {
        read: (buffer: Buffer, offset: number, length: number, position: null) => {
          asked += length;
          return read(buffer, offset, length, position);
        },
      });
      await expect(readOpened({ handle: counting, info: Object.assign(opened.info, { size: 10 }) }, file, { limit: 20, what: 'a test file' })).rejects.toThrow(
        `${file}: is over the 20 bytes limit for a test file (it grew while it was read)`,
      );
      await opened.handle.close();
      expect(asked).toBe(21);
    });
  });

  it.runIf(canMakeDevices)('names a device found while walking a folder (mknod c 1 5, as /dev/zero) as unreadable', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'a.yaml'), NAMESPACE);
      expect(mknodZero(join(dir, 'zero.yaml'))).toBe(true);
      const inputs = await readPaths([dir]);
      expect(inputs.objects.map((o) => o.object.metadata?.name)).toEqual(['a']);
      expect(inputs.gaps).toEqual([{ what: join(dir, 'zero.yaml'), reason: 'cannot read: is a character device, not a regular file' }]);
    });
  });
});

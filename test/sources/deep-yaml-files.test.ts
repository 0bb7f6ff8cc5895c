import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { parseConfig } from '../../src/engine/config.js';
import { UsageError } from '../../src/engine/errors.js';
import { readCertificates } from '../../src/sources/host/certificates.js';
import { NodeRoot } from '../../src/sources/root/node-root.js';
import type { ParseProblem, ScanGap } from '../../src/sources/types.js';
import { withTempDir } from './helpers.js';

/** `levels` nested flow sequences: valid YAML that overflows a recursive parser's stack. */
const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

describe('YAML files read outside the manifest reader, nested too deep', () => {
  it('a kubeconfig under --root is a problem at its file and line', async () => {
    await withTempDir(async (root) => {
      await mkdir(join(root, 'etc/kubernetes'), { recursive: true });
      await writeFile(join(root, 'etc/kubernetes/admin.conf'), `apiVersion: v1\nkind: Config\nusers: ${nested(100_000)}\n`);
      const sink = { gaps: [] as ScanGap[], problems: [] as ParseProblem[] };
      await readCertificates(new NodeRoot(root), sink);
      expect(sink.problems).toEqual([
        expect.objectContaining({
          provenance: expect.objectContaining({ file: join(root, 'etc/kubernetes/admin.conf'), line: 3 }),
          message: expect.stringMatching(/^kubeconfig is not valid YAML: collections nested more than 256 levels deep/),
        }),
      ]);
    });
  });

  it('a config file is one clear error naming its line', () => {
    let message = '';
    try {
      parseConfig(`failOn: error\nrules: ${nested(100_000)}\n`, '.kcheck.yaml', rules);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      message = err.message;
    }
    expect(message).toMatch(/^\.kcheck\.yaml:2: not valid YAML: collections nested more than 256 levels deep/);
  });

  it('a config file of two documents is refused, not half read', () => {
    expect(() => parseConfig('failOn: error\n---\nfailOn: never\n', '.kcheck.yaml', rules)).toThrow(/^\.kcheck\.yaml:2: not valid YAML: a configuration is one YAML document$/);
  });
});

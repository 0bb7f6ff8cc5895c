import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readPemCertificates } from '../../src/sources/host/pem.js';

const PEM = readFileSync(new URL('../../fixtures/rules/etcd-tls-files-missing/fail-apiserver-etcd-client-missing/etc/kubernetes/pki/etcd/ca.crt', import.meta.url), 'utf8').trim();

describe('PEM bundles', () => {
  it('gives each certificate of a bundle the line of its BEGIN marker', () => {
    const bundle = `# a CA bundle\n\n${PEM}\n${PEM}\n\n\n# third\n${PEM}\n`;
    const perBlock = PEM.split('\n').length;
    expect(readPemCertificates(bundle).certificates.map((c) => [c.index, c.line])).toEqual([
      [0, 3],
      [1, 3 + perBlock],
      [2, 3 + 2 * perBlock + 3],
    ]);
  });

  it('counts lines once through a bundle of many certificates', () => {
    const count = 3000;
    const bundle = Array.from({ length: count }, () => PEM).join('\n');
    const { certificates } = readPemCertificates(bundle);
    expect(certificates).toHaveLength(count);
    expect(certificates[count - 1]!.line).toBe(1 + (count - 1) * PEM.split('\n').length);
  });
});

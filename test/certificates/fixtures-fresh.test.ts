import { lstatSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/cli/pipeline.js';
import { listFiles } from '../etcd/make-fixtures.js';
import { FIXTURE_NOW } from '../helpers/fixture-args.js';
import { CERTIFICATE_FIXTURES, makeCertificateFixtures } from './make-fixtures.js';
import { tempParent } from './trees.js';

/**
 * The certificate fixtures are generated (test/certificates/make-fixtures.ts)
 * and checked in. Keys and signatures are new on every run, so this compares
 * what matters: the same files, byte for byte except certificates, keys and
 * kubeconfigs, and the same findings of the certificate rules on both.
 * Regenerate with: node_modules/.bin/tsx test/certificates/make-fixtures.ts
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const out = tempParent();
afterAll(() => rmSync(out, { recursive: true, force: true }));
const VARIABLE = /\.(crt|key|conf)$|^var\/lib\/kubelet\/pki\/kubelet-client-[\d-]+\.pem$/;
const RULES = ['certificate-expiry', 'certificate-missing', 'certificate-key-mismatch', 'certificate-wrong-issuer', 'kubelet-client-certificate'];

async function findings(root: string): Promise<string[]> {
  const result = await scan({ paths: [], root, now: FIXTURE_NOW, config: '/dev/null' });
  return result.result.findings.filter((f) => RULES.includes(f.ruleId)).map((f) => `${f.ruleId} ${f.object?.name}: ${f.message.replaceAll(root, '<root>')}`);
}

describe('the checked-in certificate fixtures are what test/certificates/make-fixtures.ts writes today', () => {
  makeCertificateFixtures(out, repo);
  it.each(Object.keys(CERTIFICATE_FIXTURES))('%s', async (name) => {
    const [mine, theirs] = [join(repo, 'fixtures/rules', name), join(out, 'fixtures/rules', name)];
    expect(listFiles(mine)).toEqual(listFiles(theirs));
    for (const file of listFiles(theirs).filter((f) => !VARIABLE.test(f))) {
      // A link (kubelet-client-current.pem) points at a node path: compared as a link, never followed on this machine.
      const bytes = (dir: string) => (lstatSync(join(dir, file)).isSymbolicLink() ? Buffer.from(`-> ${readlinkSync(join(dir, file))}`) : readFileSync(join(dir, file)));
      expect(bytes(mine).equals(bytes(theirs)), `${name}/${file}`).toBe(true);
    }
    expect(await findings(mine)).toEqual(await findings(theirs));
  }, 60_000);
});

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ClusterReadError, readLive } from '../../src/sources/live/index.js';
import { parseSize } from '../../src/cli/scan-options.js';
import { removeTempDirs, runCliAsync, startFakeApiServer, tempDir, writeKubeconfig, type FakeApiServer } from './fake-apiserver.js';

const MiB = 1024 * 1024;
const PODS = '/api/v1/pods';

/** A PodList that never ends: its opening, then spaces (valid JSON whitespace) in chunks. */
const PREFIX = '{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[';

afterAll(removeTempDirs);

describe('--max-response-size', () => {
  test('takes sizes as operators write them', () => {
    expect(parseSize('512MiB')).toBe(512 * MiB);
    expect(parseSize('1GiB')).toBe(1024 * MiB);
    expect(parseSize('1Gi')).toBe(1024 * MiB);
    expect(parseSize('2GB')).toBe(2e9);
    expect(parseSize('4096')).toBe(4096);
    expect(parseSize('1.5 MiB')).toBe(1.5 * MiB);
    expect(parseSize('lots')).toBeNull();
    expect(parseSize('5 parsecs')).toBeNull();
  });

  test('is documented in --help', async () => {
    const run = await runCliAsync(['scan', '--help']);
    expect(run.stdout).toMatch(/--max-response-size <size>\s+largest API answer read.*\(default: "512MiB"\)/s);
  });

  test('a size that is not one is a usage error', async () => {
    const run = await runCliAsync(['scan', '--live', '--kubeconfig', '/nonexistent', '--max-response-size', 'huge']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--max-response-size: "huge" is not a size (e.g. 512MiB, 1GiB)');
  });
});

describe('a live answer larger than the limit', () => {
  let server: FakeApiServer;
  let sentBytes = 0;
  beforeAll(async () => {
    server = await startFakeApiServer({
      route: (path, _req, res) => {
        if (path !== PODS) return false;
        // Chunked, with no Content-Length: the size is known only by counting.
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write(PREFIX);
        const chunk = Buffer.alloc(64 * 1024, ' ');
        let written = 0;
        const more = (): void => {
          while (written < 64 * MiB) {
            written += chunk.length;
            sentBytes = written;
            if (!res.write(chunk)) {
              res.once('drain', more);
              return;
            }
          }
          res.end(']}');
        };
        res.on('error', () => undefined);
        more();
        return true;
      },
    });
  });
  afterAll(() => server.close());

  test('ends in exit 2 naming the resource and the flag, not a crash', async () => {
    const kubeconfig = writeKubeconfig(tempDir(), server.url, 'big', { token: 't' });
    const run = await runCliAsync(['scan', '--kubeconfig', kubeconfig, '--max-response-size', '4MiB']);
    expect(run.stderr).toContain(`kcheck: cannot read context "big" (${server.url}): pods in all namespaces: response body over 4 MiB (--max-response-size)`);
    expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(run.code).toBe(2);
  });

  test('reading stops at the limit instead of taking the whole answer', async () => {
    const kubeconfig = writeKubeconfig(tempDir(), server.url, 'big', { token: 't' });
    sentBytes = 0;
    await expect(readLive({ kubeconfig, progress: null, maxResponseBytes: 2 * MiB })).rejects.toThrow(ClusterReadError);
    // The server had written at most what fills the socket buffers when kcheck hung up.
    expect(sentBytes).toBeLessThan(48 * MiB);
  });

  test('raising the limit reads the same answer', async () => {
    const kubeconfig = writeKubeconfig(tempDir(), server.url, 'big', { token: 't' });
    const inputs = await readLive({ kubeconfig, progress: null, maxResponseBytes: 80 * MiB });
    expect(inputs.gaps).toEqual([]);
    expect(inputs.scanned).toEqual(['big']);
  });
});

describe('an answer that declares its size', () => {
  let server: FakeApiServer;
  beforeAll(async () => {
    server = await startFakeApiServer({
      route: (path, _req, res) => {
        if (path !== '/version') return false;
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(16 * MiB) });
        res.on('error', () => undefined);
        res.write('{"gitVersion":"v1.35.4"');
        return true;
      },
    });
  });
  afterAll(() => server.close());

  test('a Content-Length over the limit fails at once, naming what was asked for', async () => {
    const kubeconfig = writeKubeconfig(tempDir(), server.url, 'declared', { token: 't' });
    await expect(readLive({ kubeconfig, progress: null, maxResponseBytes: 1 * MiB })).rejects.toThrow(
      /^cannot read context "declared" \(.*\): GET \/version: response body over 1 MiB \(--max-response-size\)$/,
    );
  });
});

describe('a gzip answer', () => {
  test('normal gzip answers are inflated and read', async () => {
    const server = await startFakeApiServer({ gzip: true, podPages: 3 });
    try {
      const kubeconfig = writeKubeconfig(tempDir(), server.url, 'gz', { token: 't' });
      const inputs = await readLive({ kubeconfig, progress: null });
      expect(inputs.gaps).toEqual([]);
      expect(inputs.objects.filter((o) => o.object.kind === 'Pod').map((o) => o.object.metadata?.name)).toEqual(['pod-0', 'pod-1', 'pod-2']);
      expect(inputs.versionReports.map((v) => v.serverVersion)).toEqual(['v1.35.4']);
    } finally {
      await server.close();
    }
  });

  test('a gzip body that is not gzip names the resource', async () => {
    const server = await startFakeApiServer({
      route: (path, _req, res) => {
        if (path !== '/apis/apps/v1/deployments') return false;
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
        res.end(Buffer.concat([gzipSync('{"kind":"DeploymentList","items":[').subarray(0, 20), Buffer.from('not gzip at all')]));
        return true;
      },
    });
    try {
      const kubeconfig = writeKubeconfig(tempDir(), server.url, 'badgz', { token: 't' });
      await expect(readLive({ kubeconfig, progress: null })).rejects.toThrow(/deployments\.apps in all namespaces: response body is not valid gzip/);
    } finally {
      await server.close();
    }
  });

  describe('that inflates past the limit (a gzip bomb)', () => {
    let server: FakeApiServer;
    let bombBytes = 0;
    beforeAll(async () => {
      // Concatenated gzip members inflate one after the other (RFC 1952 §2.2):
      // 75 members of 64 MiB of spaces are 4.9 MB on the wire and 4.7 GiB inflated.
      const member = gzipSync(Buffer.alloc(64 * MiB, ' '), { level: 9 });
      const bomb = Buffer.concat([gzipSync(PREFIX), ...Array.from({ length: 75 }, () => member), gzipSync(']}')]);
      bombBytes = bomb.length;
      server = await startFakeApiServer({
        route: (path, _req, res) => {
          if (path !== PODS) return false;
          res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': bomb.length });
          res.on('error', () => undefined);
          res.end(bomb);
          return true;
        },
      });
    });
    afterAll(() => server.close());

    test('ends in exit 2 naming the resource, holding little memory', async () => {
      const dir = tempDir();
      // Peak resident memory of the kcheck process, written as it exits.
      const rssFile = join(dir, 'max-rss-kib');
      const preload = join(dir, 'report-rss.mjs');
      writeFileSync(
        preload,
        "import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(process.env.KCHECK_TEST_RSS_FILE, String(process.resourceUsage().maxRSS)));\n",
      );
      const kubeconfig = writeKubeconfig(dir, server.url, 'bomb', { token: 't' });
      const run = await runCliAsync(['scan', '--kubeconfig', kubeconfig, '--max-response-size', '8MiB'], {
        nodeArgs: ['--import', preload],
        env: { KCHECK_TEST_RSS_FILE: rssFile },
      });
      expect(run.stderr).toContain(`kcheck: cannot read context "bomb" (${server.url}): pods in all namespaces: response body over 8 MiB (--max-response-size)`);
      expect(run.code).toBe(2);
      const maxRssMiB = Number(readFileSync(rssFile, 'utf8')) / 1024;
      console.log(`gzip bomb of ${(bombBytes / 1e6).toFixed(1)} MB, --max-response-size 8MiB: peak RSS ${maxRssMiB.toFixed(0)} MiB`);
      expect(maxRssMiB).toBeGreaterThan(0);
      expect(maxRssMiB).toBeLessThan(300);
    });
  });
});

describe('--page-size and --concurrency', () => {
  let server: FakeApiServer;
  beforeAll(async () => {
    server = await startFakeApiServer({});
  });
  afterAll(() => server.close());

  test('--page-size is the limit of every list request', async () => {
    const kubeconfig = writeKubeconfig(tempDir(), server.url, 'paged', {});
    server.requests.length = 0;
    const run = await runCliAsync(['scan', '--kubeconfig', kubeconfig, '--page-size', '7', '--concurrency', '2', '--format', 'json']);
    expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
    const lists = server.requests.filter((r) => r.path.includes('limit='));
    expect(lists.length).toBeGreaterThan(3);
    for (const r of lists) expect(new URL(r.path, 'http://x').searchParams.get('limit')).toBe('7');
  });

  test('a count that is not one is a usage error naming the flag', async () => {
    for (const [flag, value, most] of [['--page-size', '0', 10000], ['--concurrency', 'many', 32]] as const) {
      const run = await runCliAsync(['scan', '--live', '--kubeconfig', '/nonexistent', flag, value]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`${flag}: "${value}" is not a whole number from 1 to ${most}`);
    }
  });
});

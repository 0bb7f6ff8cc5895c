import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readPaths } from '../../../src/sources/manifests/index.js';
import { filePosition, fixture } from '../helpers.js';

describe('kubectl version output', () => {
  it.each([
    ['kubectl-version.json', 'v1.31.2', 'v1.29.4-eks-036c24b'],
    ['kubectl-version.yaml', 'v1.31.2', 'v1.30.2'],
    ['kubectl-version.txt', 'v1.31.2', 'v1.30.2+k3s1'],
  ])('reads the client and server versions from %s', async (name, client, server) => {
    const inputs = await readPaths([fixture(name)]);
    expect(inputs.objects).toEqual([]);
    expect(inputs.skipped).toEqual([]);
    expect(inputs.versionReports).toHaveLength(1);
    const report = inputs.versionReports[0]!;
    expect(report.clientVersion).toBe(client);
    expect(report.serverVersion).toBe(server);
    expect(filePosition(report.provenance)).toEqual({ file: fixture(name), line: 1, column: 1 });
  });

  it('reads the client version alone from `kubectl version --client -o yaml`', async () => {
    const stdin = new PassThrough();
    stdin.end('clientVersion:\n  gitVersion: v1.30.1\n  major: "1"\n  minor: "30"\nkustomizeVersion: v5.0.4-0.20230601165947-6ce0bf390ce3\n');
    const inputs = await readPaths(['-'], { stdin });
    expect(inputs.versionReports.map((r) => [r.clientVersion, r.serverVersion])).toEqual([['v1.30.1', undefined]]);
  });

  it('reads the Go struct printed by kubectl before 1.28', async () => {
    const stdin = new PassThrough();
    stdin.end('Client Version: version.Info{Major:"1", Minor:"27", GitVersion:"v1.27.3", GitCommit:"25b4e43193bcda6c7328a6d147b1fb73a33f1598", GitTreeState:"clean", BuildDate:"2023-06-14T09:53:42Z", GoVersion:"go1.20.5", Compiler:"gc", Platform:"linux/amd64"}\n');
    const inputs = await readPaths(['-'], { stdin });
    expect(inputs.versionReports.map((r) => r.clientVersion)).toEqual(['v1.27.3']);
  });
});

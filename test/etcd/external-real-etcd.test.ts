import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readEtcdServices } from '../../src/model/etcd.js';
import { readRoot } from '../../src/sources/root/index.js';

/**
 * What the real etcd does with what systemd gives it. Each case is a node
 * root whose etcd unit kcheck reads; the command line and environment
 * kcheck works out are handed to Debian's etcd 3.4.23 as systemd would
 * (same argv, same variables, same working directory), on free ports and
 * in a temporary folder. kcheck's prediction (starts or exits; the data dir
 * it uses) must be what etcd does: it starts and creates member/ in that
 * directory and in no other, or it exits at once.
 */

const haveEtcd = spawnSync('etcd', ['--version']).status === 0;
const temp = mkdtempSync(join(tmpdir(), 'kcheck-external-etcd-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** Ports the OS hands out, held open together so they differ. */
async function freePorts(n: number): Promise<number[]> {
  const servers = Array.from({ length: n }, () => createServer());
  const ports = await Promise.all(servers.map((s) => new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port)))));
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

interface Outcome {
  started: boolean;
  log: string;
}

/** Starts etcd as systemd would; resolves once it serves /health or has exited. */
async function runEtcd(argv: string[], env: Record<string, string>, cwd: string, clientUrl: string): Promise<Outcome> {
  const log: string[] = [];
  const proc = spawn('etcd', argv.slice(1), { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.on('data', (d: Buffer) => log.push(d.toString()));
  proc.stderr.on('data', (d: Buffer) => log.push(d.toString()));
  const exited = new Promise<Outcome>((resolve) => proc.once('exit', () => resolve({ started: false, log: log.join('') })));
  let stop = false;
  const healthy = (async (): Promise<Outcome> => {
    const deadline = Date.now() + 30_000;
    while (!stop && Date.now() < deadline) {
      try {
        const body = (await (await fetch(`${clientUrl}/health`)).json()) as { health?: string };
        if (body.health === 'true') return { started: true, log: log.join('') };
      } catch {
        // not serving yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return { started: false, log: `${log.join('')}\n(no answer on ${clientUrl}/health within 30 s)` };
  })();
  const outcome = await Promise.race([healthy, exited]);
  stop = true;
  if (proc.exitCode === null && proc.signalCode === null) {
    proc.kill('SIGTERM');
    await exited;
  }
  return outcome;
}

/** Node root files; an absolute key is also written at that real path, for the etcd started here to read. */
function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    for (const at of path.startsWith('/') ? [join(root, path), path] : [join(root, path)]) {
      mkdirSync(dirname(at), { recursive: true });
      writeFileSync(at, text);
    }
  }
}

/** The data dirs a case could end up in: every folder etcd created member/ in. */
function membersUnder(dirs: string[]): string[] {
  return dirs.filter((d) => existsSync(join(d, 'member')));
}

interface Case {
  name: string;
  /** Files of the node root, given the case folder, the ports' flags and the env form of them. */
  files: (dir: string, flags: string, envPorts: string) => Record<string, string>;
  /** Where etcd might put its data, relative to the case folder. */
  candidates: string[];
  expected: { starts: boolean; dataDir?: string; from?: string; failure?: RegExp };
}

const debianUnit = existsSync('/lib/systemd/system/etcd.service') ? readFileSync('/lib/systemd/system/etcd.service', 'utf8') : '';
const debianDefault = existsSync('/etc/default/etcd') ? readFileSync('/etc/default/etcd', 'utf8') : '';

const cases: Case[] = [
  {
    name: "Debian's etcd.service and /etc/default/etcd, ETCD_DATA_DIR moved by a drop-in",
    files: (dir, flags) => ({
      'lib/systemd/system/etcd.service': debianUnit,
      'etc/default/etcd': `${debianDefault}\nDAEMON_ARGS="${flags}"\n`,
      'etc/systemd/system/etcd.service.d/10-data.conf': `[Service]\nEnvironment=ETCD_DATA_DIR=${dir}/debian-data\n`,
      'etc/hostname': 'cp-1\n',
    }),
    candidates: ['debian-data', 'flag'],
    expected: { starts: true, dataDir: 'debian-data', from: 'env' },
  },
  {
    name: "--data-dir in /etc/default/etcd's DAEMON_ARGS while the unit sets ETCD_DATA_DIR",
    files: (dir, flags) => ({
      'lib/systemd/system/etcd.service': debianUnit,
      'etc/default/etcd': `${debianDefault}\nDAEMON_ARGS="--data-dir=${dir}/flag ${flags}"\n`,
      'etc/hostname': 'cp-1\n',
    }),
    candidates: ['flag'],
    expected: { starts: false, failure: /--data-dir is on the command line and ETCD_DATA_DIR=\/var\/lib\/etcd\/default is set too/ },
  },
  {
    name: 'a drop-in that resets ExecStart= and gives --data-dir',
    files: (dir, flags) => ({
      'etc/systemd/system/etcd.service': `[Unit]\nDescription=etcd\n[Service]\nExecStart=/usr/bin/etcd --data-dir=${dir}/fragment ${flags}\n`,
      'etc/systemd/system/etcd.service.d/50-data.conf': `[Service]\n# the list is reset first\nExecStart=\nExecStart=/usr/bin/etcd \\\n  --data-dir=${dir}/dropin \\\n  ${flags}\n`,
    }),
    candidates: ['fragment', 'dropin'],
    expected: { starts: true, dataDir: 'dropin', from: 'flag' },
  },
  {
    name: 'EnvironmentFile= overriding Environment=',
    files: (dir, flags) => ({
      'etc/systemd/system/etcd.service': `[Service]\nEnvironment="ETCD_DATA_DIR=${dir}/environment"\nEnvironmentFile=/etc/etcd/etcd.conf\nExecStart=/usr/bin/etcd ${flags}\n`,
      'etc/etcd/etcd.conf': `# Fedora style\nETCD_DATA_DIR="${dir}/envfile"\n`,
    }),
    candidates: ['environment', 'envfile'],
    expected: { starts: true, dataDir: 'envfile', from: 'env' },
  },
  {
    name: 'an empty ETCD_DATA_DIR= beside --data-dir',
    files: (dir, flags) => ({
      'etc/systemd/system/etcd.service': `[Service]\nEnvironmentFile=-/etc/etcd/etcd.conf\nExecStart=/usr/bin/etcd --data-dir=${dir}/flag ${flags}\n`,
      'etc/etcd/etcd.conf': 'ETCD_DATA_DIR=\n',
    }),
    candidates: ['flag'],
    expected: { starts: false, failure: /--data-dir is on the command line and ETCD_DATA_DIR= is set too/ },
  },
  {
    name: "no data dir anywhere: <name>.etcd in WorkingDirectory=",
    files: (dir, flags) => ({
      'etc/systemd/system/etcd.service': `[Service]\nEnvironment=ETCD_NAME=member-x\nWorkingDirectory=${dir}/cwd\nExecStart=/usr/bin/etcd ${flags}\n`,
    }),
    candidates: ['cwd/member-x.etcd', 'cwd/default.etcd'],
    expected: { starts: true, dataDir: 'cwd/member-x.etcd', from: 'default' },
  },
  {
    name: '$DIR inside a word is not expanded, ${DIR} is',
    files: (dir, flags) => ({
      'etc/systemd/system/etcd.service': `[Service]\nEnvironment=DIR=${dir}/expanded\nWorkingDirectory=${dir}/cwd\nExecStart=/usr/bin/etcd --data-dir=$DIR ${flags}\n`,
      'etc/systemd/system/etcd-braced.service': `[Service]\nEnvironment=DIR=${dir}/expanded\nWorkingDirectory=${dir}/cwd\nExecStart=/usr/bin/etcd --data-dir=\${DIR} ${flags}\n`,
    }),
    candidates: ['cwd/$DIR', 'expanded'],
    expected: { starts: true, dataDir: 'cwd/$DIR', from: 'flag' },
  },
  {
    name: '--config-file: etcd ignores its other flags and ETCD_* variables',
    files: (dir, _flags, envPorts) => ({
      'etc/systemd/system/etcd.service': `[Service]\nEnvironment=ETCD_DATA_DIR=${dir}/env\nExecStart=/usr/bin/etcd --config-file=${dir}/etcd.yaml --data-dir=${dir}/flag\n`,
      [`${dir}/etcd.yaml`]: `data-dir: ${dir}/yaml\n${envPorts}`,
    }),
    candidates: ['env', 'flag', 'yaml'],
    expected: { starts: true, dataDir: 'yaml', from: 'config-file' },
  },
];

describe.skipIf(!haveEtcd)('etcd run by systemd: kcheck against the real etcd 3.4', () => {
  it.each(cases.map((c, i) => [c.name, i] as const))('%s', async (_name, index) => {
    const c = cases[index]!;
    const dir = join(temp, `case-${index}`);
    const root = join(dir, 'root');
    mkdirSync(join(dir, 'cwd'), { recursive: true });
    const [client, peer] = await freePorts(2);
    const clientUrl = `http://127.0.0.1:${client}`;
    const peerUrl = `http://127.0.0.1:${peer}`;
    const flags = `--listen-client-urls=${clientUrl} --advertise-client-urls=${clientUrl} --listen-peer-urls=${peerUrl} --initial-advertise-peer-urls=${peerUrl} --initial-cluster=@MEMBER@=${peerUrl}`;
    const yamlPorts = `listen-client-urls: ${clientUrl}\nadvertise-client-urls: ${clientUrl}\nlisten-peer-urls: ${peerUrl}\ninitial-advertise-peer-urls: ${peerUrl}\ninitial-cluster: default=${peerUrl}\n`;
    const files = c.files(dir, flags, yamlPorts);
    // --initial-cluster must name the member; each case's name is what kcheck reads (checked below).
    write(root, files);
    const units = (await readRoot(root)).etcdUnits ?? [];
    const { services } = readEtcdServices(units, undefined);
    const service = services.find((s) => s.unit === 'etcd.service')!;
    const name = service.memberName?.value ?? 'default';
    const named = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.replaceAll('@MEMBER@', name)]));
    write(root, named);
    const reread = readEtcdServices((await readRoot(root)).etcdUnits ?? [], undefined).services;
    const predicted = reread.find((s) => s.unit === 'etcd.service')!;
    const unit = (await readRoot(root)).etcdUnits!.find((u) => u.unit === 'etcd.service')!;

    const env = Object.fromEntries(unit.environment.map((v) => [v.name, v.value]));
    const outcome = await runEtcd(predicted.argv, env, unit.workingDirectory, clientUrl);
    const created = membersUnder(c.candidates.map((d) => join(dir, d)));

    // The real etcd did what the case says ...
    expect(outcome.started, outcome.log.slice(-1500)).toBe(c.expected.starts);
    if (!c.expected.starts) expect(outcome.log).toMatch(/conflicting environment variable "ETCD_DATA_DIR" is shadowed by corresponding command-line flag/);
    expect(created).toEqual(c.expected.starts ? [join(dir, c.expected.dataDir!)] : []);
    // ... and kcheck predicted it from the files alone.
    if (c.expected.starts) {
      expect(predicted.startFailure).toBeNull();
      expect(predicted.dataDir.value).toBe(join(dir, c.expected.dataDir!));
      expect(predicted.dataDir.from).toBe(c.expected.from);
    } else {
      expect(predicted.startFailure).toMatch(c.expected.failure!);
    }
    if (c.name.includes('${DIR}')) {
      expect(reread.find((s) => s.unit === 'etcd-braced.service')!.dataDir.value).toBe(join(dir, 'expanded'));
    }
  }, 60_000);
});

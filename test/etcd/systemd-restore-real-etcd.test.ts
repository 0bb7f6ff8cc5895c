import { execFile, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/cli/pipeline.js';
import { readRoot } from '../../src/sources/root/index.js';
import { etcdctl, freePorts } from '../snapshot/etcd-harness.js';

/**
 * etcd run by Debian's etcd.service (copied from this machine's etcd-server
 * 3.4.23 package), restored with Debian's etcdctl 3.4 `snapshot restore`.
 * etcd is started chrooted in the node root with the command line and the
 * environment kcheck reads from the unit and /etc/default/etcd, so node
 * paths are the node's; the key was "restored" in the snapshot and "old" was
 * written to the live data after it. kcheck's verdict on the restore
 * (etcd-restore-not-wired) must be which of the two etcd serves.
 */
const run = promisify(execFile);
const KEY = '/registry/configmaps/shop/release';
const UNIT = '/lib/systemd/system/etcd.service';
const CHROOT = ['/usr/sbin/chroot', '/usr/bin/chroot'].find((p) => existsSync(p)) ?? 'chroot';
const haveEtcd = spawnSync('etcd', ['--version']).status === 0 && existsSync(UNIT) && spawnSync(CHROOT, ['--version']).status === 0;

let work: string;
let ports: number[];
let flags: string;
let snapshot: string;
const clientUrl = () => `http://127.0.0.1:${ports[0]}`;
const peerUrl = () => `http://127.0.0.1:${ports[1]}`;

async function installEtcd(root: string): Promise<void> {
  mkdirSync(join(root, 'usr/bin'), { recursive: true });
  copyFileSync('/usr/bin/etcd', join(root, 'usr/bin/etcd'));
  const libraries = await run('ldd', ['/usr/bin/etcd']).then((r) => [...r.stdout.matchAll(/(\/\S+)/g)].map((m) => m[1]!), () => []);
  for (const file of libraries) {
    mkdirSync(join(root, dirname(file)), { recursive: true });
    copyFileSync(file, join(root, file));
  }
}

/** A node root with Debian's unit and /etc/default/etcd, plus `extra` lines appended to it. */
async function nodeRoot(name: string, extra: string): Promise<string> {
  const root = join(work, name);
  const files: Record<string, string> = {
    'lib/systemd/system/etcd.service': readFileSync(UNIT, 'utf8'),
    'etc/default/etcd': `${readFileSync('/etc/default/etcd', 'utf8')}\nDAEMON_ARGS="${flags}"\n${extra}`,
    'etc/hostname': 'cp-1\n',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  await installEtcd(root);
  return root;
}

/** etcd as the unit starts it, chrooted in `root`; `act` runs while it serves. */
async function underUnit<T>(root: string, act: () => Promise<T>): Promise<T | { exited: string }> {
  const unit = (await readRoot(root)).etcdUnits!.find((u) => u.unit === 'etcd.service')!;
  const env = Object.fromEntries(unit.environment.map((v) => [v.name, v.value]));
  const log: string[] = [];
  // The unit's environment only, as systemd gives it (PATH inside the root for etcd; chroot(8) found on the test's PATH).
  const proc = spawn(CHROOT, [root, ...unit.execStart!.argv], { env: { PATH: '/usr/bin:/bin', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.once('error', (err) => log.push(String(err)));
  proc.stdout.on('data', (d: Buffer) => log.push(d.toString()));
  proc.stderr.on('data', (d: Buffer) => log.push(d.toString()));
  const exited = new Promise<{ exited: string }>((resolve) => proc.once('close', () => resolve({ exited: log.join('').slice(-2000) })));
  const healthy = (async () => {
    for (;;) {
      try {
        const body = (await (await fetch(`${clientUrl()}/health`)).json()) as { health?: string };
        if (body.health === 'true') return true;
      } catch {
        // not serving yet
      }
      await new Promise((r) => setTimeout(r, 100));
      if (proc.exitCode !== null || proc.signalCode !== null || log.some((l) => l.startsWith('Error'))) return false;
    }
  })();
  const up = await Promise.race([healthy, exited]);
  if (up !== true) return up === false ? await exited : up;
  try {
    return await act();
  } finally {
    proc.kill('SIGTERM');
    await exited;
  }
}

async function ctl(args: string[]): Promise<string> {
  const r = await etcdctl(['--endpoints', clientUrl(), ...args]);
  if (r.code !== 0) throw new Error(`etcdctl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.replace(/\n$/, '');
}

/** A root whose live data (in the unit's /var/lib/etcd/default) is "old", with the snapshot's "restored" put into `restoredTo`. */
async function restoredRoot(name: string, extra: string, restoredTo: string): Promise<string> {
  const root = await nodeRoot(name, '');
  await underUnit(root, async () => {
    await ctl(['put', KEY, 'restored']);
    if (!snapshot) {
      snapshot = join(work, 'snapshot.db');
      await ctl(['snapshot', 'save', snapshot]);
    }
    await ctl(['put', KEY, 'old']);
  });
  mkdirSync(dirname(join(root, restoredTo)), { recursive: true });
  // As the etcd docs ask: the restore is this node's member, with the unit's name and peer URL.
  const r = await etcdctl(['snapshot', 'restore', snapshot, '--data-dir', join(root, restoredTo), '--name', 'cp-1',
    '--initial-cluster', `cp-1=${peerUrl()}`, '--initial-advertise-peer-urls', peerUrl()]);
  if (r.code !== 0) throw new Error(`etcdctl snapshot restore: ${r.stderr}`);
  writeFileSync(join(root, 'etc/default/etcd'), readFileSync(join(root, 'etc/default/etcd'), 'utf8') + extra);
  return root;
}

async function verdict(root: string): Promise<{ serves: 'restored' | 'old'; findings: { message: string; remediation: string }[] }> {
  const result = await scan({ paths: [], root, now: new Date().toISOString(), config: '/dev/null' });
  const findings = result.result.findings.filter((f) => f.ruleId === 'etcd-restore-not-wired').map((f) => ({ message: f.message, remediation: f.remediation ?? '' }));
  const unused = findings.some((f) => / that etcd does not use: /.test(f.message));
  const inUse = result.model.etcdServices[0]!.hostData!.inUse;
  return { serves: unused ? 'old' : inUse?.identity?.restore ? 'restored' : 'old', findings };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'kcheck-systemd-restore-'));
  ports = await freePorts(2);
  flags = `--listen-client-urls=${clientUrl()} --advertise-client-urls=${clientUrl()} --listen-peer-urls=${peerUrl()} ` +
    `--initial-advertise-peer-urls=${peerUrl()} --initial-cluster=cp-1=${peerUrl()}`;
}, 60_000);
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!haveEtcd)("Debian's etcd.service after etcdctl snapshot restore: kcheck against the real etcd 3.4", () => {
  it.each<[string, string, string, 'restored' | 'old', RegExp[]]>([
    ['the restore never wired in: the unit\'s ETCD_DATA_DIR still names the old dir', '', 'var/lib/etcd-from-backup', 'old',
      [/^\/var\/lib\/etcd-from-backup \(found searching \/var\/lib, 3 levels deep\) holds an etcd restore made .* that etcd does not use: etcd serves the data in \/var\/lib\/etcd\/default \(cluster [0-9a-f]+, member [0-9a-f]+\) \(ETCD_DATA_DIR=\/var\/lib\/etcd\/default at .*lib\/systemd\/system\/etcd.service:\d+\)$/]],
    ['a restore beside the data dir, /etc/default/etcd still naming the old dir', 'ETCD_DATA_DIR=/var/lib/etcd/default\n', 'var/lib/etcd/restored', 'old',
      [/^\/var\/lib\/etcd\/restored \(found beside \/var\/lib\/etcd\/default, which etcd.service names\) holds an etcd restore .* that etcd does not use: .*etc\/default\/etcd:\d+\)$/]],
    ['/etc/default/etcd sets ETCD_DATA_DIR to the restore', 'ETCD_DATA_DIR=/var/lib/etcd-from-backup\n', 'var/lib/etcd-from-backup', 'restored', []],
  ])('%s', async (name, extra, restoredTo, serves, messages) => {
    const root = await restoredRoot(name.replace(/\W+/g, '-'), extra, restoredTo);
    const kcheck = await verdict(root);
    const served = await underUnit(root, () => ctl(['get', KEY, '--print-value-only']));
    expect(served).toBe(serves);
    expect(kcheck.serves).toBe(served);
    expect(kcheck.findings.map((f) => f.message)).toEqual(messages.map((m) => expect.stringMatching(m)));
  }, 60_000);

  it('the remediation for an unused restore, applied as written, makes etcd serve the restore', async () => {
    const root = await restoredRoot('remediation', '', 'var/lib/etcd-from-backup');
    const [finding] = (await verdict(root)).findings;
    // The unit's own Environment= line names the old dir: the fix is a drop-in Environment=, not --data-dir as well.
    const m = /sudo systemctl edit etcd\.service, and write \[Service\] and (Environment=ETCD_DATA_DIR=\S+);/.exec(finding!.remediation);
    expect(m, finding!.remediation).not.toBeNull();
    mkdirSync(join(root, 'etc/systemd/system/etcd.service.d'), { recursive: true });
    writeFileSync(join(root, 'etc/systemd/system/etcd.service.d/override.conf'), `[Service]\n${m![1]}\n`);
    const after = await verdict(root);
    expect(after.findings).toEqual([]);
    expect(after.serves).toBe('restored');
    expect(await underUnit(root, () => ctl(['get', KEY, '--print-value-only']))).toBe('restored');
  }, 60_000);
});

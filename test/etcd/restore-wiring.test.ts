import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/cli/pipeline.js';
import { TestEtcd } from '../snapshot/etcd-harness.js';
import { restore, WIRINGS, writeManifests, type EtcdWiring } from './node-layout.js';
import { etcdReleases } from '../snapshot/etcd-releases.js';
import { ChrootedEtcd, copyTree, dateRestore, kubeletDataDir, link, servedBy } from './restore-layout.js';

/**
 * Node roots built from real data: a live etcd 3.4 data dir, `etcdctl
 * snapshot restore` output, `cp -r` copies, links. For each, kcheck's
 * verdict is compared with what etcd really serves when started (chrooted in
 * the root, so links resolve as on the node) on the directory the kubelet
 * gives it: the key was "restored" in the snapshot and "old" was written to
 * the live data after it.
 */
const KEY = '/registry/configmaps/shop/release';
const DAY = 86_400_000;

let work: string;
let live: string;
let snapshot: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'kcheck-restore-wiring-'));
  const etcd = await TestEtcd.start({ dataDir: join(work, 'live') });
  try {
    await etcd.put(KEY, 'restored');
    snapshot = join(work, 'snapshot.db');
    await etcd.snapshot(snapshot);
    await etcd.put(KEY, 'old');
  } finally {
    await etcd.stop();
  }
  live = join(work, 'live');
}, 60_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

type Step =
  | { live: string }
  | { restore: string; asMember?: boolean; madeAt?: Date }
  | { copy: [string, string] }
  | { link: [string, string] }
  | { restart: string };

let roots = 0;
async function build(wiring: EtcdWiring, steps: Step[]): Promise<string> {
  const root = join(work, `root-${(roots += 1)}`);
  writeManifests(root, wiring);
  for (const step of steps) {
    if ('live' in step) cpSync(live, join(root, step.live), { recursive: true });
    else if ('restore' in step) {
      await restore(snapshot, join(root, step.restore), step.asMember ?? false);
      if (step.madeAt) dateRestore(root, step.restore, step.madeAt);
    } else if ('copy' in step) await copyTree(root, ...step.copy);
    else if ('link' in step) link(root, ...step.link);
    // The CKA way: the static pod manifests moved out and back, so the kubelet restarts etcd on the same directory.
    else await servedBy(root, step.restart, KEY);
  }
  return root;
}

interface Verdict {
  /** What kcheck says etcd serves: the restore's data, the old data, or an empty new cluster. */
  serves: 'restored' | 'old' | 'nothing' | 'does not start';
  findings: { severity: string; message: string }[];
}

async function kcheck(root: string): Promise<Verdict> {
  const result = await scan({ paths: [], root, now: new Date().toISOString(), config: '/dev/null' });
  const findings = result.result.findings
    .filter((f) => f.ruleId === 'etcd-restore-not-wired' || f.ruleId === 'etcd-data-dir-mismatch')
    .map((f) => ({ severity: f.severity, message: f.message }));
  const refused = findings.some((f) => /etcd does not start/.test(f.message));
  const empty = findings.some((f) => /does not exist on the node|holds no member\/snap\/db/.test(f.message));
  const unused = findings.some((f) => f.severity === 'error' && / that etcd does not use: /.test(f.message));
  const inUse = result.model.etcd[0]!.hostData!.inUse;
  // Without a finding, etcd serves what the directory it uses holds: a restore, or data never restored.
  const serves = refused ? 'does not start' : empty ? 'nothing' : unused ? 'old' : inUse?.identity?.restore ? 'restored' : 'old';
  return { serves, findings };
}

/** kcheck's verdict and what etcd serves on the directory the kubelet gives it. */
async function compare(wiring: EtcdWiring, steps: Step[]): Promise<{ kcheck: Verdict; etcd: Verdict['serves'] }> {
  const root = await build(wiring, steps);
  const verdict = await kcheck(root);
  const served = await servedBy(root, kubeletDataDir(wiring), KEY);
  if ('refused' in served) return { kcheck: verdict, etcd: 'does not start' };
  return { kcheck: verdict, etcd: served.value === null ? 'nothing' : (served.value as 'restored' | 'old') };
}

const currentLink = { ...WIRINGS.kubeadmDefault, hostPath: '/var/lib/etcd-current' };

describe('kcheck says what etcd serves, on node roots made by etcdctl snapshot restore', () => {
  it.each<[string, EtcdWiring, Step[], Verdict['serves'], RegExp[]]>([
    ['kubeadm\'s data dir, no restore', WIRINGS.kubeadmDefault, [{ live: 'var/lib/etcd' }], 'old', []],
    ['a restore never wired in', WIRINGS.kubeadmDefault, [{ live: 'var/lib/etcd' }, { restore: 'var/lib/etcd-from-backup' }], 'old',
      [/^\/var\/lib\/etcd-from-backup \(found beside \/var\/lib\/etcd, which etcd.yaml names\) holds an etcd restore made .* \(cluster cdf818194e3a8c32, member 8e9e05c52164694d\) that etcd does not use: etcd serves the data in \/var\/lib\/etcd/]],
    ['a restore never wired in, then etcd restarted on the old directory', WIRINGS.kubeadmDefault,
      [{ live: 'var/lib/etcd' }, { restore: 'var/lib/etcd-from-backup' }, { restart: '/var/lib/etcd' }], 'old',
      [/^\/var\/lib\/etcd-from-backup .* holds an etcd restore made .* that etcd does not use/]],
    ['a restore as etcd.yaml\'s member, never wired in', WIRINGS.kubeadmDefault,
      [{ live: 'var/lib/etcd' }, { restore: 'var/lib/etcd-from-backup', asMember: true }], 'old', [/^\/var\/lib\/etcd-from-backup .* that etcd does not use/]],
    ['the documented restore: hostPath.path changed', WIRINGS.documentedRestore, [{ live: 'var/lib/etcd' }, { restore: 'var/lib/etcd-from-backup' }], 'restored', []],
    ['cp -r of the live data dir', WIRINGS.kubeadmDefault, [{ live: 'var/lib/etcd' }, { copy: ['var/lib/etcd', 'var/lib/etcd-backup'] }], 'old', []],
    ['cp -r of the restore etcd runs on', WIRINGS.documentedRestore,
      [{ live: 'var/lib/etcd' }, { restore: 'var/lib/etcd-from-backup' }, { restart: '/var/lib/etcd-from-backup' }, { copy: ['var/lib/etcd-from-backup', 'root/etcd-from-backup.bak'] }],
      'restored', []],
    ['an absolute link to the restore', currentLink,
      [{ live: 'var/lib/etcd' }, { restore: 'var/lib/etcd-from-backup' }, { link: ['var/lib/etcd-current', '/var/lib/etcd-from-backup'] }], 'restored', []],
    ['a relative link from kubeadm\'s path to the restore', WIRINGS.kubeadmDefault,
      [{ live: 'var/lib/etcd-old' }, { restore: 'var/lib/etcd-from-backup' }, { link: ['var/lib/etcd', 'etcd-from-backup'] }], 'restored', []],
    ['an absolute link to a directory that is not in the root', currentLink,
      [{ live: 'var/lib/etcd' }, { link: ['var/lib/etcd-current', '/mnt/etcd-disk/data'] }], 'does not start',
      [/^the host directory etcd uses, \/var\/lib\/etcd-current .* is a symbolic link to \/mnt\/etcd-disk\/data, which does not exist on the node: etcd does not start/]],
    ['a restore in /root', WIRINGS.kubeadmDefault, [{ live: 'var/lib/etcd' }, { restore: 'root/etcd-restore' }], 'old',
      [/^\/root\/etcd-restore \(found searching \/root, 3 levels deep\) holds an etcd restore/]],
    ['restores in a home folder and in /opt', WIRINGS.kubeadmDefault,
      [{ live: 'var/lib/etcd' }, { restore: 'home/ubuntu/backups/etcd-restored' }, { restore: 'opt/etcd/restore-2026' }], 'old',
      [/^\/home\/ubuntu\/backups\/etcd-restored \(found searching \/home\/ubuntu \(\/home\/\*\), 3 levels deep\) holds an etcd restore/,
        /^\/opt\/etcd\/restore-2026 \(found searching \/opt, 3 levels deep\) holds an etcd restore/]],
    ['the data dir below the mount, restored there', WIRINGS.dataDirBelowMount,
      [{ live: 'var/lib/etcd' }, { restore: 'var/lib/etcd-from-backup/data' }], 'restored', []],
    ['the data dir below the mount, restored one level up', WIRINGS.dataDirBelowMount,
      [{ live: 'var/lib/etcd' }, { restore: 'var/lib/etcd-from-backup' }], 'nothing',
      [/^the host directory etcd uses, \/var\/lib\/etcd-from-backup\/data .* does not exist on the node: .*; etcd data is in \/var\/lib\/etcd-from-backup/]],
  ])('%s', async (_name, wiring, steps, serves, messages) => {
    const { kcheck: verdict, etcd } = await compare(wiring, steps);
    expect(etcd).toBe(serves);
    expect(verdict.serves).toBe(etcd);
    expect(verdict.findings.map((f) => f.message)).toEqual(messages.map((m) => expect.stringMatching(m)));
  }, 60_000);

  it('the fix for a restore one level above the data dir, applied, makes etcd serve the restore', async () => {
    const root = await build(WIRINGS.dataDirBelowMount, [{ live: 'var/lib/etcd' }, { restore: 'var/lib/etcd-from-backup' }]);
    const result = await scan({ paths: [], root, now: new Date().toISOString(), config: '/dev/null' });
    const [finding] = result.result.findings.filter((f) => f.ruleId === 'etcd-restore-not-wired');
    expect(finding!.remediation).toMatch(/^Set the etcd-data volume's hostPath.path in \/etc\/kubernetes\/manifests\/etcd.yaml to \/var\/lib\/etcd-from-backup and --data-dir to the mountPath \/var\/lib\/etcd /);
    const fixed = { ...WIRINGS.dataDirBelowMount, hostPath: '/var/lib/etcd-from-backup', dataDir: '/var/lib/etcd' };
    expect(await servedBy(root, kubeletDataDir(fixed), KEY)).toEqual({ value: 'restored' });
  }, 60_000);

  it('an unused restore older than a day is an info: a leftover, remove or archive it', async () => {
    const old = new Date(Date.now() - 3 * DAY);
    const { kcheck: verdict, etcd } = await compare(WIRINGS.kubeadmDefault, [{ live: 'var/lib/etcd' }, { restore: 'var/lib/etcd-from-backup', madeAt: old }]);
    expect(etcd).toBe('old');
    expect(verdict.findings).toEqual([{
      severity: 'info',
      message: expect.stringMatching(/^\/var\/lib\/etcd-from-backup .* is a leftover etcd restore, made 3 days before the capture time .*; etcd does not use it: remove or archive it$/),
    }]);
  }, 60_000);

  it('the recent window comes from .kcheck.yaml', async () => {
    const root = await build(WIRINGS.kubeadmDefault, [{ live: 'var/lib/etcd' }, { restore: 'var/lib/etcd-from-backup', madeAt: new Date(Date.now() - 3 * DAY) }]);
    const config = join(work, 'recent.yaml');
    writeFileSync(config, 'rules:\n  etcd-restore-not-wired:\n    options:\n      recent: 7d\n');
    const result = await scan({ paths: [], root, now: new Date().toISOString(), config });
    expect(result.result.findings.filter((f) => f.ruleId === 'etcd-restore-not-wired').map((f) => f.severity)).toEqual(['error']);
  }, 60_000);

  it('a restart of etcd makes the old data dir look newer than the restore: folder times cannot tell them apart', async () => {
    const root = await build(WIRINGS.kubeadmDefault, [{ live: 'var/lib/etcd' }, { restore: 'var/lib/etcd-from-backup' }, { restart: '/var/lib/etcd' }]);
    expect(statSync(join(root, 'var/lib/etcd/member')).mtimeMs).toBeGreaterThan(statSync(join(root, 'var/lib/etcd-from-backup/member')).mtimeMs);
  }, 60_000);
});

/**
 * The same judgement on data made by etcd 3.5 and 3.6 (scripts/build-etcdutl.sh):
 * the live data dir written by that etcd, the restore by its `etcdutl
 * snapshot restore` (the CKA way: member "default" at http://localhost:2380),
 * and that etcd serving the directory the kubelet gives it.
 */
describe.each(['3.5', '3.6'] as const)('etcd %s: etcdutl snapshot restore, served by the same etcd', (minor) => {
  const release = () => etcdReleases().find((r) => r.minor === minor)!;
  let seed: string;
  let snap: string;

  beforeAll(async () => {
    seed = join(work, `seed-${minor}`);
    mkdirSync(seed);
    const etcd = await ChrootedEtcd.start(seed, '/live', release().etcd);
    try {
      await etcd.put(KEY, 'restored');
      snap = join(work, `snapshot-${minor}.db`);
      await etcd.snapshot(snap);
      await etcd.put(KEY, 'old');
    } finally {
      await etcd.stop();
    }
  }, 60_000);

  async function layout(wiring: EtcdWiring, restoreInto: string | null, after: (root: string) => Promise<void> = async () => undefined) {
    const root = join(work, `root-${minor}-${(roots += 1)}`);
    writeManifests(root, wiring);
    cpSync(join(seed, 'live'), join(root, 'var/lib/etcd'), { recursive: true });
    if (restoreInto) {
      mkdirSync(join(root, restoreInto, '..'), { recursive: true });
      const r = await release().restore(snap, join(root, restoreInto), 'http://localhost:2380', false);
      if (!r.ok) throw new Error(`etcdutl ${minor} snapshot restore: ${r.output}`);
    }
    await after(root);
    const verdict = await kcheck(root);
    const served = await servedBy(root, kubeletDataDir(wiring), KEY, release().etcd);
    return { verdict, served };
  }

  it('a restore never wired in, then etcd restarted on the old directory: etcd serves the old data, kcheck says so', async () => {
    const { verdict, served } = await layout(WIRINGS.kubeadmDefault, 'var/lib/etcd-from-backup', async (root) => {
      await servedBy(root, '/var/lib/etcd', KEY, release().etcd);
    });
    expect(served).toEqual({ value: 'old' });
    expect(verdict.serves).toBe('old');
    expect(verdict.findings.map((f) => f.message)).toEqual([expect.stringMatching(/^\/var\/lib\/etcd-from-backup .* holds an etcd restore made .* that etcd does not use/)]);
  }, 60_000);

  it('the documented restore: etcd serves the restore, kcheck is quiet', async () => {
    const { verdict, served } = await layout(WIRINGS.documentedRestore, 'var/lib/etcd-from-backup');
    expect(served).toEqual({ value: 'restored' });
    expect(verdict).toEqual({ serves: 'restored', findings: [] });
  }, 60_000);

  it('cp -r of the live data dir is not a restore', async () => {
    const { verdict, served } = await layout(WIRINGS.kubeadmDefault, null, (root) => copyTree(root, 'var/lib/etcd', 'var/lib/etcd-backup'));
    expect(served).toEqual({ value: 'old' });
    expect(verdict).toEqual({ serves: 'old', findings: [] });
  }, 60_000);
});

import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What a tool run came to; a non-zero exit is only ever read as "refused". */
interface ToolRun {
  ok: boolean;
  stdout: string;
  output: string;
}

/**
 * One etcd release as the mutation suite uses it: the etcd that writes the
 * snapshots and serves the restored data, and the command that restores.
 * 3.4 is Debian's etcd-server/etcd-client 3.4.23 (its etcdctl restores);
 * 3.5 and 3.6 are etcdutl and etcd built by scripts/build-etcdutl.sh.
 */
export interface EtcdRelease {
  minor: '3.4' | '3.5' | '3.6';
  version: string;
  etcd: string;
  /** `snapshot restore` into a new data dir for a member `default` at `peerUrl`. */
  restore(snapshot: string, dataDir: string, peerUrl: string, skipHashCheck: boolean): Promise<ToolRun>;
  /** `snapshot status -w json`. */
  status(snapshot: string): Promise<ToolRun>;
}

async function tool(binary: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<ToolRun> {
  try {
    const { stdout, stderr } = await run(binary, args, { env: { ...process.env, ...env }, timeout: 60_000, maxBuffer: 16 << 20 });
    return { ok: true, stdout, output: `${stdout}${stderr}` };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, stdout: e.stdout ?? '', output: `${e.stdout ?? ''}${e.stderr ?? String(err)}` };
  }
}

function restoreArgs(snapshot: string, dataDir: string, peerUrl: string, skipHashCheck: boolean): string[] {
  const args = ['snapshot', 'restore', snapshot, '--data-dir', dataDir, '--name', 'default'];
  args.push('--initial-cluster', `default=${peerUrl}`, '--initial-advertise-peer-urls', peerUrl);
  if (skipHashCheck) args.push('--skip-hash-check');
  return args;
}

/** The etcdutl version a test/etcdutl/<minor>/go.mod pins. */
function pinned(minor: string): string {
  const goMod = readFileSync(join(repo, 'test', 'etcdutl', minor, 'go.mod'), 'utf8');
  const v = /^\s*go\.etcd\.io\/etcd\/etcdutl\/v3 (v\d+\.\d+\.\d+)\s*$/m.exec(goMod)?.[1];
  if (!v) throw new Error(`cannot find the etcdutl version in test/etcdutl/${minor}/go.mod`);
  return v;
}

/**
 * Where scripts/build-etcdutl.sh puts the binaries (keep the two in step):
 * KCHECK_ETCDUTL_DIR when the test command passes the folder it printed.
 */
function built(minor: '3.5' | '3.6', env: NodeJS.ProcessEnv): EtcdRelease {
  const version = pinned(minor);
  const root = env.KCHECK_ETCDUTL_DIR || join(env.KCHECK_CACHE || join(env.HOME || homedir(), '.cache', 'kcheck'), 'etcdutl');
  const bin = join(root, version, 'bin');
  const etcdutl = join(bin, 'etcdutl');
  const etcd = join(bin, 'etcd');
  const missing = [etcdutl, etcd].filter((b) => !existsSync(b));
  if (missing.length > 0) {
    throw new Error(`etcd ${version} is not built: missing ${missing.join(', ')}. Run scripts/build-etcdutl.sh first (it builds them with Go into ${root}).`);
  }
  return {
    minor,
    version: version.slice(1),
    etcd,
    restore: (snapshot, dataDir, peerUrl, skip) => tool(etcdutl, restoreArgs(snapshot, dataDir, peerUrl, skip)),
    status: (snapshot) => tool(etcdutl, ['snapshot', 'status', '-w', 'json', snapshot]),
  };
}

export function etcdReleases(env: NodeJS.ProcessEnv = process.env): EtcdRelease[] {
  const debian: EtcdRelease = {
    minor: '3.4',
    version: '3.4.23',
    etcd: 'etcd',
    restore: (snapshot, dataDir, peerUrl, skip) => tool('etcdctl', restoreArgs(snapshot, dataDir, peerUrl, skip), { ETCDCTL_API: '3' }),
    status: (snapshot) => tool('etcdctl', ['snapshot', 'status', '-w', 'json', snapshot], { ETCDCTL_API: '3' }),
  };
  return [debian, built('3.5', env), built('3.6', env)];
}

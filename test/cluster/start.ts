import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { parseAllDocuments, stringify } from 'yaml';
import { apiRequest } from './api.js';
import { REPO_ROOT, findBinaries } from './binaries.js';
import { makeCerts } from './certs.js';

const run = promisify(execFile);

interface ClusterTokens {
  /** system:masters. */
  admin: string;
  /** The identity deploy/rbac.yaml binds: the kcheck/kcheck service account. */
  reader: string;
  /** Bound to deploy/rbac.yaml's ClusterRole without pods. */
  noPods: string;
}

export const CONTEXTS = { admin: 'admin', reader: 'kcheck-reader', noPods: 'no-pods' } as const;

/** Who each token authenticates as (static token file: token,user,uid,"groups"). */
export const USERS = {
  admin: 'kcheck-test-admin',
  reader: 'system:serviceaccount:kcheck:kcheck',
  noPods: 'kcheck-no-pods',
} as const;

/** Everything a test needs to reach the cluster; plain data, so vitest can hand it from globalSetup to test files. */
export interface ClusterInfo {
  version: string;
  server: string;
  caFile: string;
  /** The apiserver's serving certificate and key (valid for 127.0.0.1), for test proxies. */
  certFile: string;
  keyFile: string;
  /** Contexts admin (current), kcheck-reader and no-pods. */
  kubeconfigPath: string;
  tokens: ClusterTokens;
  /** The apiserver's audit log: one JSON event per line, every request at Metadata level. */
  auditLogPath: string;
  kubectl: string;
  dir: string;
  /** How long the start took, binaries already built. */
  startMs: number;
}

export interface TestCluster extends ClusterInfo {
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Keep the temp folder (certs, logs, etcd data) after stop, for debugging. */
  keepDir?: boolean;
  readyTimeoutMs?: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function token(): string {
  return randomBytes(24).toString('hex');
}

function tail(file: string, lines = 25): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

interface Running {
  child: ChildProcess;
  name: string;
  log: string;
  exited: boolean;
}

function start(name: string, binary: string, args: string[], dir: string): Running {
  const log = join(dir, `${name}.log`);
  const fd = openSync(log, 'a');
  const child = spawn(binary, args, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const running: Running = { child, name, log, exited: false };
  child.once('exit', () => {
    running.exited = true;
  });
  return running;
}

/** The cluster is thrown away with its data: no graceful shutdown to wait for. */
async function stopProcess(p: Running): Promise<void> {
  if (p.exited || p.child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => p.child.once('exit', () => resolve()));
  p.child.kill('SIGKILL');
  await exited;
}

/**
 * Test runners may end a worker with a signal, which skips 'exit' handlers:
 * a detached shell waits for this process to go and then ends the cluster's
 * processes, so none outlives the test run.
 */
function watchdog(pids: number[]): ChildProcess {
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -9 ${pids.join(' ')} 2>/dev/null`;
  const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  child.unref();
  return child;
}

const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
`;

/** A kubeconfig with one context per token, all on this server. */
function writeKubeconfig(path: string, server: string, caFile: string, users: Record<string, string>, current: string): void {
  const names = Object.keys(users);
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'kcheck-test', cluster: { server, 'certificate-authority': caFile } }],
      users: names.map((name) => ({ name, user: { token: users[name] } })),
      contexts: names.map((name) => ({ name, context: { cluster: 'kcheck-test', user: name } })),
      'current-context': current,
    }),
  );
}

async function kubectl(binary: string, kubeconfig: string, args: string[], input?: string): Promise<string> {
  const child = run(binary, ['--kubeconfig', kubeconfig, '--context', CONTEXTS.admin, ...args], { maxBuffer: 64 * 1024 * 1024 });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  try {
    return (await child).stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`kubectl ${args.join(' ')} failed: ${stderr || (error as Error).message}`);
  }
}

/**
 * deploy/rbac.yaml as shipped, plus the same grants without pods for the
 * no-pods user, for the permission-denied test.
 */
async function applyRbac(binary: string, kubeconfig: string): Promise<void> {
  const shipped = readFileSync(join(REPO_ROOT, 'deploy', 'rbac.yaml'), 'utf8');
  await kubectl(binary, kubeconfig, ['apply', '-f', '-'], shipped);
  const role = parseAllDocuments(shipped)
    .map((d) => d.toJS() as { kind?: string; metadata: { name: string }; rules: { resources?: string[] }[] })
    .find((d) => d.kind === 'ClusterRole');
  if (!role) throw new Error('deploy/rbac.yaml has no ClusterRole');
  const noPods = {
    ...role,
    metadata: { name: 'kcheck-reader-no-pods' },
    rules: role.rules.map((r) => (r.resources ? { ...r, resources: r.resources.filter((x) => x !== 'pods') } : r)),
  };
  const binding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'kcheck-reader-no-pods' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kcheck-reader-no-pods' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: USERS.noPods }],
  };
  const kubeadmConfig = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'kcheck-kubeadm-config-no-pods', namespace: 'kube-system' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kcheck-kubeadm-config' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: USERS.noPods }],
  };
  await kubectl(binary, kubeconfig, ['apply', '-f', '-'], [noPods, binding, kubeadmConfig].map((o) => stringify(o)).join('---\n'));
}

/**
 * Starts etcd and kube-apiserver on 127.0.0.1 with random ports and a temp
 * folder, the way controller-runtime's envtest does: no controllers, no
 * kubelet, so tests create every object (and its status) themselves.
 */
export async function startTestCluster(options: StartOptions = {}): Promise<TestCluster> {
  const started = Date.now();
  const bin = findBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'kcheck-cluster-'));
  const processes: Running[] = [];
  let guard: ChildProcess | undefined;
  const stop = async (): Promise<void> => {
    for (const p of [...processes].reverse()) await stopProcess(p);
    guard?.kill();
    if (!options.keepDir) rmSync(dir, { recursive: true, force: true });
  };
  const killOnExit = (): void => {
    for (const p of processes) if (!p.exited) p.child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  try {
    const certs = makeCerts(dir);
    const [etcdClient, etcdPeer, securePort] = [await freePort(), await freePort(), await freePort()];
    const tokens: ClusterTokens = { admin: token(), reader: token(), noPods: token() };
    const tokenFile = join(dir, 'tokens.csv');
    writeFileSync(
      tokenFile,
      [
        `${tokens.admin},${USERS.admin},1001,"system:masters"`,
        `${tokens.reader},${USERS.reader},1002,"system:serviceaccounts,system:serviceaccounts:kcheck"`,
        `${tokens.noPods},${USERS.noPods},1003`,
        '',
      ].join('\n'),
    );
    const auditPolicy = join(dir, 'audit-policy.yaml');
    writeFileSync(auditPolicy, AUDIT_POLICY);
    const auditLogPath = join(dir, 'audit.log');

    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    const peerUrl = `http://127.0.0.1:${etcdPeer}`;
    processes.push(
      start(
        'etcd',
        bin.etcd,
        [
          '--name=test',
          `--data-dir=${join(dir, 'etcd')}`,
          `--listen-client-urls=${etcdUrl}`,
          `--advertise-client-urls=${etcdUrl}`,
          `--listen-peer-urls=${peerUrl}`,
          `--initial-advertise-peer-urls=${peerUrl}`,
          `--initial-cluster=test=${peerUrl}`,
          // A test cluster that is thrown away: no fsync keeps etcd fast on a shared disk.
          '--unsafe-no-fsync',
          '--log-level=warn',
        ],
        dir,
      ),
    );

    const server = `https://127.0.0.1:${securePort}`;
    processes.push(
      start(
        'kube-apiserver',
        bin.kubeApiserver,
        [
          `--etcd-servers=${etcdUrl}`,
          '--bind-address=127.0.0.1',
          '--advertise-address=127.0.0.1',
          `--secure-port=${securePort}`,
          `--cert-dir=${dir}`,
          `--tls-cert-file=${certs.certFile}`,
          `--tls-private-key-file=${certs.keyFile}`,
          `--client-ca-file=${certs.caFile}`,
          '--service-cluster-ip-range=10.96.0.0/24',
          '--authorization-mode=RBAC',
          `--token-auth-file=${tokenFile}`,
          '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
          `--service-account-key-file=${certs.serviceAccountPublicKey}`,
          `--service-account-signing-key-file=${certs.serviceAccountPrivateKey}`,
          `--audit-policy-file=${auditPolicy}`,
          `--audit-log-path=${auditLogPath}`,
          '--audit-log-mode=blocking',
          '--allow-privileged=true',
          '--endpoint-reconciler-type=none',
          // The ServiceAccount admission plugin needs each namespace's
          // "default" service account, which kube-controller-manager creates;
          // no controller runs here.
          '--disable-admission-plugins=ServiceAccount',
          // resource.k8s.io/v1beta1 is deprecated in 1.35 and removed in 1.38
          // (k8s.io/api resource/v1beta1 prerelease lifecycle); served here so a
          // test can use a deprecated API that a real server still accepts.
          '--runtime-config=resource.k8s.io/v1beta1=true',
          '--profiling=false',
          '--v=1',
        ],
        dir,
      ),
    );

    guard = watchdog(processes.flatMap((p) => (p.child.pid ? [p.child.pid] : [])));

    const admin = { server, caFile: certs.caFile, token: tokens.admin };
    const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
    for (;;) {
      const dead = processes.find((p) => p.exited);
      if (dead) throw new Error(`${dead.name} exited during start-up; last lines of ${dead.log}:\n${tail(dead.log)}`);
      const ready = await apiRequest(admin, 'GET', '/readyz').catch(() => null);
      if (ready?.status === 200) break;
      if (Date.now() > deadline) {
        throw new Error(`kube-apiserver was not ready within ${options.readyTimeoutMs ?? 120_000} ms; last lines of its log:\n${tail(join(dir, 'kube-apiserver.log'))}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }

    const kubeconfigPath = join(dir, 'kubeconfig');
    writeKubeconfig(
      kubeconfigPath,
      server,
      certs.caFile,
      { [CONTEXTS.admin]: tokens.admin, [CONTEXTS.reader]: tokens.reader, [CONTEXTS.noPods]: tokens.noPods },
      CONTEXTS.admin,
    );
    await applyRbac(bin.kubectl, kubeconfigPath);

    return {
      version: bin.version,
      server,
      caFile: certs.caFile,
      certFile: certs.certFile,
      keyFile: certs.keyFile,
      kubeconfigPath,
      tokens,
      auditLogPath,
      kubectl: bin.kubectl,
      dir,
      startMs: Date.now() - started,
      async stop() {
        process.removeListener('exit', killOnExit);
        await stop();
      },
    };
  } catch (error) {
    process.removeListener('exit', killOnExit);
    options.keepDir = true;
    await stop();
    throw new Error(`${(error as Error).message}\n(test cluster files kept in ${dir})`);
  }
}

/** Runs the test cluster's kubectl as the admin. */
export function adminKubectl(cluster: Pick<ClusterInfo, 'kubectl' | 'kubeconfigPath'>, args: string[], input?: string): Promise<string> {
  return kubectl(cluster.kubectl, cluster.kubeconfigPath, args, input);
}

import { spawn } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isatty } from 'node:tty';
import type { Cluster } from '@kubernetes/client-node';
import { ClusterReadError, KubeconfigError } from './errors.js';

/**
 * `users[].user.exec` of a kubeconfig, a client-go credential plugin:
 * https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins
 */
export interface ExecConfig {
  apiVersion: string;
  command: string;
  args: string[];
  env: { name: string; value: string }[];
  provideClusterInfo: boolean;
  interactiveMode: 'Never' | 'IfAvailable' | 'Always';
  installHint?: string;
}

/** What the plugin answers: https://kubernetes.io/docs/reference/config-api/client-authentication.v1/#client-authentication-k8s-io-v1-ExecCredentialStatus */
export interface ExecCredential {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  /** Epoch milliseconds; undefined: valid for as long as the scan runs. */
  expiresAt?: number;
}

/**
 * The versions client-go accepts; v1alpha1 was removed in Kubernetes 1.24
 * (https://github.com/kubernetes/client-go/blob/32ce75a7d6bc6960fd048d3d1e3b34185418d8c8/plugin/pkg/client/auth/exec/exec.go#L76-L79).
 */
const API_VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'];
const INTERACTIVE_MODES = ['Never', 'IfAvailable', 'Always'] as const;

/** An ExecCredential is a token or a certificate and key: kilobytes. */
const MAX_STDOUT_BYTES = 1024 * 1024;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks `user.exec` as kubectl does before running anything
 * (https://github.com/kubernetes/client-go/blob/32ce75a7d6bc6960fd048d3d1e3b34185418d8c8/tools/clientcmd/validation.go#L308-L330):
 * a command, a known apiVersion, named env entries, and an interactiveMode,
 * which v1beta1 defaults to IfAvailable and v1 requires
 * (https://github.com/kubernetes/client-go/blob/32ce75a7d6bc6960fd048d3d1e3b34185418d8c8/tools/clientcmd/api/v1/defaults.go#L27-L36).
 */
export function parseExecConfig(raw: unknown, user: string, origin: string): ExecConfig {
  const bad = (what: string): never => {
    throw new KubeconfigError(`user "${user}" in kubeconfig ${origin}: exec ${what}`);
  };
  if (!isRecord(raw)) return bad('is not a mapping');
  const { apiVersion, command, args, env, provideClusterInfo, interactiveMode, installHint } = raw;
  if (typeof command !== 'string' || command === '') return bad('has no command');
  if (typeof apiVersion !== 'string' || apiVersion === '') return bad('has no apiVersion');
  if (!API_VERSIONS.includes(apiVersion)) return bad(`apiVersion "${apiVersion}" is not one of ${API_VERSIONS.join(', ')}`);
  if (args != null && (!Array.isArray(args) || !args.every((a) => typeof a === 'string'))) return bad('args is not a list of strings');
  const vars: { name: string; value: string }[] = [];
  if (env != null) {
    if (!Array.isArray(env)) return bad('env is not a list');
    for (const entry of env) {
      if (!isRecord(entry) || typeof entry.name !== 'string' || entry.name === '') return bad('env has an entry without a name');
      vars.push({ name: entry.name, value: entry.value == null ? '' : String(entry.value) });
    }
  }
  let mode = interactiveMode;
  if (mode == null || mode === '') {
    if (apiVersion !== 'client.authentication.k8s.io/v1beta1') return bad(`interactiveMode must be set for ${apiVersion}`);
    mode = 'IfAvailable';
  }
  if (!INTERACTIVE_MODES.includes(mode as ExecConfig['interactiveMode'])) {
    return bad(`interactiveMode "${String(mode)}" is not one of ${INTERACTIVE_MODES.join(', ')}`);
  }
  return {
    apiVersion,
    command,
    args: (args as string[] | null | undefined) ?? [],
    env: vars,
    provideClusterInfo: provideClusterInfo === true,
    interactiveMode: mode as ExecConfig['interactiveMode'],
    ...(typeof installHint === 'string' && installHint !== '' ? { installHint } : {}),
  };
}

/**
 * spec.cluster of the ExecCredential, sent only when the kubeconfig asks for
 * it with provideClusterInfo:
 * https://kubernetes.io/docs/reference/config-api/client-authentication.v1/#client-authentication-k8s-io-v1-Cluster
 */
function clusterInfo(cluster: Cluster): Record<string, unknown> {
  let ca: string | undefined = cluster.caData;
  if (!ca && cluster.caFile) {
    try {
      ca = readFileSync(cluster.caFile).toString('base64');
    } catch {
      ca = undefined;
    }
  }
  return {
    server: cluster.server,
    ...(cluster.tlsServerName ? { 'tls-server-name': cluster.tlsServerName } : {}),
    ...(cluster.skipTLSVerify ? { 'insecure-skip-tls-verify': true } : {}),
    ...(ca ? { 'certificate-authority-data': ca } : {}),
    ...(cluster.proxyUrl ? { 'proxy-url': cluster.proxyUrl } : {}),
  };
}

function readCredential(stdout: string, config: ExecConfig, problem: (what: string) => ClusterReadError): ExecCredential {
  let answer: unknown;
  try {
    answer = JSON.parse(stdout);
  } catch {
    throw problem('wrote something that is not a JSON ExecCredential to stdout');
  }
  // https://github.com/kubernetes/client-go/blob/32ce75a7d6bc6960fd048d3d1e3b34185418d8c8/plugin/pkg/client/auth/exec/exec.go#L478-L495
  if (!isRecord(answer) || answer.kind !== 'ExecCredential') throw problem('did not answer an ExecCredential');
  if (answer.apiVersion !== config.apiVersion) {
    throw problem(`answered apiVersion ${JSON.stringify(answer.apiVersion ?? null)}, but the kubeconfig asks for ${config.apiVersion}`);
  }
  const status = answer.status;
  if (!isRecord(status)) throw problem('answered no status');
  const text = (key: string): string | undefined => {
    const value = status[key];
    if (value == null || value === '') return undefined;
    if (typeof value !== 'string') throw problem(`answered a status.${key} that is not a string`);
    return value;
  };
  const token = text('token');
  const clientCertificateData = text('clientCertificateData');
  const clientKeyData = text('clientKeyData');
  if (!token && !clientCertificateData && !clientKeyData) throw problem('answered neither a token nor a client certificate and key');
  if (!clientCertificateData !== !clientKeyData) throw problem('answered a client certificate without its key, or a key without its certificate');
  if (clientCertificateData && clientKeyData) {
    try {
      new X509Certificate(clientCertificateData);
      createPrivateKey(clientKeyData);
    } catch (error) {
      throw problem(`answered a client certificate or key that cannot be read: ${(error as Error).message}`);
    }
  }
  const expiration = text('expirationTimestamp');
  let expiresAt: number | undefined;
  if (expiration !== undefined) {
    expiresAt = Date.parse(expiration);
    if (Number.isNaN(expiresAt)) throw problem(`answered an expirationTimestamp that is not a time: ${JSON.stringify(expiration)}`);
  }
  return {
    ...(token ? { token } : {}),
    ...(clientCertificateData && clientKeyData ? { clientCertificateData, clientKeyData } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  };
}

export interface ExecCredentialOptions {
  config: ExecConfig;
  /** The kubeconfig user the plugin belongs to, for messages. */
  user: string;
  cluster: Cluster;
  /** Epoch milliseconds at which the scan gives up (`--timeout`); a plugin still running then is killed. */
  deadline: number;
  /** Environment the plugin inherits (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs a credential plugin the way client-go does and keeps its answer for
 * the scan: one run at a time, its credential reused until its
 * expirationTimestamp has passed, or for good when it has none
 * (https://github.com/kubernetes/client-go/blob/32ce75a7d6bc6960fd048d3d1e3b34185418d8c8/plugin/pkg/client/auth/exec/exec.go#L387-L415).
 * Unlike client-go, a plugin still running at the scan's deadline is killed.
 */
export class ExecCredentialSource {
  private current: Promise<ExecCredential> | undefined;
  /** How often the plugin was started. */
  runs = 0;

  constructor(private readonly options: ExecCredentialOptions) {}

  private describe(): string {
    return `the exec credential plugin ${this.options.config.command} of user "${this.options.user}"`;
  }

  /** The cached credential, or a new one when there is none or it expired. */
  async get(): Promise<ExecCredential> {
    if (this.current) {
      const pending = this.current;
      const credential = await pending;
      if (credential.expiresAt === undefined || Date.now() <= credential.expiresAt) return credential;
      // Expired: the first caller to see it starts the next run, later ones share it.
      if (this.current === pending) this.current = this.run();
      return this.current;
    }
    this.current = this.run();
    return this.current;
  }

  /**
   * Whether the plugin may talk to the user, as client-go decides it
   * (https://github.com/kubernetes/client-go/blob/32ce75a7d6bc6960fd048d3d1e3b34185418d8c8/plugin/pkg/client/auth/exec/exec.go#L234-L259).
   */
  private interactive(): boolean {
    const mode = this.options.config.interactiveMode;
    if (mode === 'Never') return false;
    if (isatty(0)) return true;
    if (mode === 'Always') throw new ClusterReadError(`${this.describe()} needs a terminal (interactiveMode: Always), and standard input is not one`);
    return false;
  }

  private run(): Promise<ExecCredential> {
    const { config, cluster, deadline } = this.options;
    const started = Date.now();
    const problem = (what: string): ClusterReadError => new ClusterReadError(`${this.describe()} ${what}`);
    let interactive: boolean;
    try {
      interactive = this.interactive();
    } catch (error) {
      return Promise.reject(error);
    }
    // The plugin reads its input from KUBERNETES_EXEC_INFO
    // (https://github.com/kubernetes/client-go/blob/32ce75a7d6bc6960fd048d3d1e3b34185418d8c8/plugin/pkg/client/auth/exec/exec.go#L441-L455).
    const execInfo = {
      apiVersion: config.apiVersion,
      kind: 'ExecCredential',
      spec: { interactive, ...(config.provideClusterInfo ? { cluster: clusterInfo(cluster) } : {}) },
    };
    const env: NodeJS.ProcessEnv = { ...(this.options.env ?? process.env) };
    for (const { name, value } of config.env) env[name] = value;
    env.KUBERNETES_EXEC_INFO = JSON.stringify(execInfo);

    return new Promise<ExecCredential>((resolve, reject) => {
      this.runs++;
      // A plugin that talks to no one runs in its own process group, so that
      // what it started is stopped with it at the deadline.
      const group = !interactive && process.platform !== 'win32';
      // Its stderr is the user's, as with kubectl: plugins print prompts and errors there.
      const child = spawn(config.command, config.args, {
        env,
        stdio: [interactive ? 'inherit' : 'ignore', 'pipe', 'inherit'],
        detached: group,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      const stop = (): void => {
        try {
          if (group && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
          else child.kill('SIGKILL');
        } catch {
          // Already gone.
        }
        child.stdout?.destroy();
      };
      const finish = (outcome: () => ExecCredential): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        try {
          resolve(outcome());
        } catch (error) {
          reject(error);
        }
      };
      const timer = setTimeout(() => {
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        stop();
        finish(() => {
          throw problem(`did not answer within ${seconds}s, when the scan's --timeout ran out; it was stopped`);
        });
      }, Math.max(0, deadline - Date.now()));
      child.stdout?.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_STDOUT_BYTES) {
          stop();
          finish(() => {
            throw problem(`wrote more than ${MAX_STDOUT_BYTES / 1024 / 1024} MiB to stdout; it was stopped`);
          });
          return;
        }
        chunks.push(chunk);
      });
      child.on('error', (error: NodeJS.ErrnoException) => {
        stop();
        finish(() => {
          // https://github.com/kubernetes/client-go/blob/32ce75a7d6bc6960fd048d3d1e3b34185418d8c8/plugin/pkg/client/auth/exec/exec.go#L549-L575
          const why = error.code === 'ENOENT' ? 'was not found' : `could not be started: ${error.message}`;
          throw problem(`${why}${config.installHint ? `. ${config.installHint}` : ''}`);
        });
      });
      child.on('close', (code, signal) => {
        finish(() => {
          if (signal) throw problem(`was killed by ${signal}`);
          if (code !== 0) throw problem(`failed with exit code ${code}`);
          return readCredential(Buffer.concat(chunks).toString('utf8'), config, problem);
        });
      });
    });
  }
}

import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, sep } from 'node:path';
import { isIPv6 } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import type { Cluster, Context, User } from '@kubernetes/client-node';
import { KubeconfigError, NO_KUBECONFIG_HINT } from './errors.js';
import { parseExecConfig, type ExecConfig } from './exec-credential.js';

export interface KubeconfigOptions {
  /** `--kubeconfig FILE`: that file only, as kubectl does. */
  kubeconfig?: string;
  /** Environment to read KUBECONFIG, HOME and KUBERNETES_SERVICE_* from (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Folder holding the pod's service account token and CA (default: the in-cluster path). */
  serviceAccountDir?: string;
}

/** Every context of the kubeconfig kubectl would use, merged. */
export interface LoadedKubeconfig {
  clusters: Cluster[];
  users: User[];
  contexts: Context[];
  /** Empty when no file sets current-context. */
  currentContext: string;
  /** Where the configuration came from, for messages. */
  origin: string;
}

/** One context, ready to make requests with. */
export interface ContextConfig {
  /** The context name, used as the cluster name in provenance and reports. */
  name: string;
  server: string;
  /** A KubeConfig whose current context is this one (auth, TLS); its user carries no exec plugin. */
  config: KubeConfig;
  /** The user's credential plugin, run by kcheck itself so that it can be bounded and cached. */
  exec?: { user: string; config: ExecConfig };
}

/** https://kubernetes.io/docs/tasks/run-application/access-api-from-pod/ */
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const IN_CLUSTER_CONTEXT = 'in-cluster';

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function readFile(path: string): KubeConfig {
  const config = new KubeConfig();
  try {
    // loadFromFile also resolves relative certificate and key paths against the
    // file's folder, as kubectl does.
    config.loadFromFile(path);
  } catch (error) {
    throw new KubeconfigError(`cannot read kubeconfig ${path}: ${(error as Error).message}`);
  }
  // A plugin command with a path separator in it is relative to the file's
  // folder, as kubectl resolves it (https://github.com/kubernetes/client-go/blob/32ce75a7d6bc6960fd048d3d1e3b34185418d8c8/tools/clientcmd/loader.go#L613-L615);
  // a bare name is looked up on the PATH.
  config.users = (config.users ?? []).map((user) => {
    const exec: unknown = user.exec;
    if (!exec || typeof exec !== 'object' || !('command' in exec) || typeof exec.command !== 'string') return user;
    const command = exec.command;
    if (!command.includes(sep) || isAbsolute(command)) return user;
    return { ...user, exec: { ...exec, command: join(dirname(path), command) } };
  });
  return config;
}

/**
 * Merges kubeconfig files the way kubectl does
 * (https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/#merging-kubeconfig-files):
 * the first file to define a cluster, user or context name wins, and the first
 * file that sets current-context decides it. client-node's own merge lets the
 * last file's current-context win, hence this.
 */
function merge(files: string[], origin: string): LoadedKubeconfig {
  const merged: LoadedKubeconfig = { clusters: [], users: [], contexts: [], currentContext: '', origin };
  const firstWins = <T extends { name: string }>(into: T[], from: T[]): void => {
    for (const item of from) if (!into.some((known) => known.name === item.name)) into.push(item);
  };
  for (const file of files) {
    const config = readFile(file);
    firstWins(merged.clusters, config.clusters ?? []);
    firstWins(merged.users, config.users ?? []);
    firstWins(merged.contexts, config.contexts ?? []);
    if (!merged.currentContext && config.currentContext) merged.currentContext = config.currentContext;
  }
  return merged;
}

/**
 * Inside a pod kubectl falls back to the service account when there is no
 * kubeconfig: KUBERNETES_SERVICE_HOST/PORT and the mounted token and CA.
 */
function inCluster(env: NodeJS.ProcessEnv, dir: string): LoadedKubeconfig | null {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  const tokenFile = join(dir, 'token');
  if (!host || !port || !isFile(tokenFile)) return null;
  const server = `https://${isIPv6(host) ? `[${host}]` : host}:${port}`;
  return {
    clusters: [{ name: IN_CLUSTER_CONTEXT, server, caFile: join(dir, 'ca.crt'), skipTLSVerify: false }],
    users: [{ name: IN_CLUSTER_CONTEXT, authProvider: { name: 'tokenFile', config: { tokenFile } } }],
    contexts: [{ name: IN_CLUSTER_CONTEXT, cluster: IN_CLUSTER_CONTEXT, user: IN_CLUSTER_CONTEXT }],
    currentContext: IN_CLUSTER_CONTEXT,
    origin: `the service account in ${dir}`,
  };
}

/**
 * Finds the configuration kubectl would use: `--kubeconfig`, else every
 * existing file in KUBECONFIG, else ~/.kube/config, else the in-cluster
 * service account. Never the `http://localhost:8080` default that
 * client-node's loadFromDefault falls back to.
 */
export function loadKubeconfig(options: KubeconfigOptions = {}): LoadedKubeconfig {
  const env = options.env ?? process.env;
  if (options.kubeconfig) {
    if (!isFile(options.kubeconfig)) {
      throw new KubeconfigError(`kubeconfig ${options.kubeconfig} (--kubeconfig) does not exist or is not a file`);
    }
    return merge([options.kubeconfig], options.kubeconfig);
  }
  if (env.KUBECONFIG) {
    // kubectl skips KUBECONFIG entries that do not exist.
    const files = [...new Set(env.KUBECONFIG.split(delimiter).filter(Boolean))].filter(isFile);
    if (files.length > 0) return merge(files, `KUBECONFIG (${files.join(delimiter)})`);
  }
  const home = env.HOME || homedir();
  const defaultFile = join(home, '.kube', 'config');
  if (isFile(defaultFile)) return merge([defaultFile], defaultFile);
  const pod = inCluster(env, options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR);
  if (pod) return pod;
  const looked = [env.KUBECONFIG ? `KUBECONFIG=${env.KUBECONFIG}` : 'KUBECONFIG (not set)', defaultFile, 'in-cluster service account'];
  throw new KubeconfigError(`no kubeconfig found (looked at ${looked.join(', ')}). ${NO_KUBECONFIG_HINT}`);
}

function names(items: { name: string }[]): string {
  return items.length === 0 ? 'none' : items.map((i) => i.name).join(', ');
}

/** The named context (default: current-context) as a KubeConfig to make requests with. */
export function contextConfig(loaded: LoadedKubeconfig, contextName?: string): ContextConfig {
  const name = contextName ?? loaded.currentContext;
  if (!name) {
    throw new KubeconfigError(
      `kubeconfig ${loaded.origin} sets no current-context; choose one with --context (contexts: ${names(loaded.contexts)})`,
    );
  }
  const context = loaded.contexts.find((c) => c.name === name);
  if (!context) {
    throw new KubeconfigError(`context "${name}" is not in kubeconfig ${loaded.origin} (contexts: ${names(loaded.contexts)})`);
  }
  const cluster = loaded.clusters.find((c) => c.name === context.cluster);
  if (!cluster) {
    throw new KubeconfigError(`context "${name}" names cluster "${context.cluster}", which kubeconfig ${loaded.origin} does not define`);
  }
  if (!cluster.server) {
    throw new KubeconfigError(`cluster "${cluster.name}" in kubeconfig ${loaded.origin} has no server`);
  }
  let users = loaded.users;
  let user = users.find((u) => u.name === context.user);
  if (!user) {
    if (context.user) {
      throw new KubeconfigError(`context "${name}" names user "${context.user}", which kubeconfig ${loaded.origin} does not define`);
    }
    // A context without a user talks to the server anonymously, as kubectl does;
    // client-node needs a user entry to apply the cluster's CA at all.
    user = { name: `${name}/anonymous` };
    users = [...users, user];
  }
  let exec: ContextConfig['exec'];
  if (user.exec != null) {
    if (user.authProvider) {
      // As kubectl: https://github.com/kubernetes/client-go/blob/32ce75a7d6bc6960fd048d3d1e3b34185418d8c8/tools/clientcmd/validation.go#L309-L311
      throw new KubeconfigError(`user "${user.name}" in kubeconfig ${loaded.origin} has both auth-provider and exec; only one is allowed`);
    }
    exec = { user: user.name, config: parseExecConfig(user.exec, user.name, loaded.origin) };
    // client-node would run the plugin itself, for every request and with no time limit.
    const withoutExec = { ...user, exec: undefined };
    users = users.map((u) => (u === user ? withoutExec : u));
  }
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: loaded.clusters,
    users,
    contexts: [{ ...context, user: user.name }],
    currentContext: name,
  });
  return { name, server: cluster.server, config, ...(exec ? { exec } : {}) };
}

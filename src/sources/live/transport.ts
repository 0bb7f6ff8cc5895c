import { constants } from 'node:buffer';
import http from 'node:http';
import https from 'node:https';
import { createGunzip, type Gunzip } from 'node:zlib';
import type { KubeConfig } from '@kubernetes/client-node';
import { ClusterReadError } from './errors.js';
import { ExecCredentialSource } from './exec-credential.js';
import type { ContextConfig } from './kubeconfig.js';

/** One HTTP answer, body read whole (a list page, not the whole list). */
interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A failure below HTTP: connection refused or reset, TLS, timeout. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** GET only: kcheck never sends anything else to a cluster. */
export interface Transport {
  /** `accept` defaults to JSON; /metrics answers Prometheus text. */
  get(path: string, timeoutMs: number, accept?: string): Promise<Response>;
  close(): void;
}

/**
 * client-node rejects http:// servers unless TLS verification is off. Plain
 * HTTP servers exist (`kubectl proxy` on 127.0.0.1:8001), so the credentials
 * are computed against a copy that tells client-node not to care.
 */
function authConfig(context: ContextConfig): KubeConfig {
  const config = context.config;
  if (!context.server.startsWith('http:')) return config;
  config.clusters = config.clusters.map((c) =>
    c.name === config.getCurrentCluster()?.name ? { ...c, skipTLSVerify: true } : c,
  );
  return config;
}

/** Headers and TLS material for one request, from the kubeconfig (tokens, client certs, exec plugins). */
async function credentials(config: KubeConfig): Promise<https.RequestOptions> {
  const options: https.RequestOptions = { headers: {} };
  await config.applyToHTTPSOptions(options);
  if (options.auth) {
    (options.headers as Record<string, string>).Authorization = `Basic ${Buffer.from(options.auth).toString('base64')}`;
    delete options.auth;
  }
  return options;
}

type Authenticator = Parameters<KubeConfig['addAuthenticator']>[0];

/**
 * Hands the plugin's credential to client-node as the user's: a bearer
 * token, or a client certificate that ends up in the TLS agent (a proxy's
 * agent too).
 */
function execAuthenticator(user: string, source: ExecCredentialSource): Authenticator {
  return {
    isAuthProvider: (u) => u?.name === user,
    async applyAuthentication(_user, opts) {
      const credential = await source.get();
      const options = opts as https.RequestOptions;
      if (credential.clientCertificateData && credential.clientKeyData) {
        options.cert = credential.clientCertificateData;
        options.key = credential.clientKeyData;
      }
      if (credential.token) options.headers = { ...options.headers, Authorization: `Bearer ${credential.token}` };
    },
  };
}

export interface TransportOptions {
  /** Connections kept open to the API server at once. */
  maxSockets: number;
  /** Longest body read, compressed on the wire and inflated (`--max-response-size`). */
  maxResponseBytes: number;
  /** Epoch milliseconds at which the scan gives up (`--timeout`); bounds the credential plugin. */
  deadline: number;
}

/** `512 MiB`, `1 GiB`, `1500000 bytes`: sizes as the flag takes them. */
function formatSize(bytes: number): string {
  for (const [unit, size] of [['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} bytes`;
}

export function httpTransport(context: ContextConfig, transportOptions: TransportOptions): Transport {
  const { maxSockets, maxResponseBytes } = transportOptions;
  const base = new URL(context.server);
  const prefix = base.pathname.replace(/\/+$/, '');
  const plain = base.protocol === 'http:';
  // The plugin is told about the cluster as the kubeconfig has it, before authConfig's change.
  const cluster = context.config.getCurrentCluster();
  const config = authConfig(context);
  if (context.exec && cluster) {
    const source = new ExecCredentialSource({ config: context.exec.config, user: context.exec.user, cluster, deadline: transportOptions.deadline });
    config.addAuthenticator(execAuthenticator(context.exec.user, source));
  }
  const proxied = Boolean(config.getCurrentCluster()?.proxyUrl);
  // The body becomes one string before it is parsed, and V8's longest string
  // is 24 bytes short of 512 MiB: past it Buffer#toString throws, and at
  // 2 GiB it aborts the process. A larger limit cannot be honoured.
  const limit = Math.min(maxResponseBytes, constants.MAX_STRING_LENGTH);
  const tooLarge = (): TransportError =>
    new TransportError(
      maxResponseBytes <= 2 ** 29
        ? `response body over ${formatSize(maxResponseBytes)} (--max-response-size)`
        : `response body over 512 MiB, the longest text Node.js can parse (a larger --max-response-size cannot help)`,
      'ETOOLARGE',
    );
  /** One agent per client certificate: a plugin may hand out a new one when the old one expires. */
  let agent: http.Agent | undefined;
  let agentIdentity: string | undefined;
  const retired: http.Agent[] = [];

  const agentFor = (options: https.RequestOptions): http.Agent => {
    const identity = `${String(options.cert ?? '')}\n${String(options.key ?? '')}`;
    if (agent && identity === agentIdentity) return agent;
    if (agent) retired.push(agent);
    agentIdentity = identity;
    if (proxied && options.agent) {
      // proxy-url in the kubeconfig: client-node's HTTP(S)/SOCKS proxy agent.
      agent = options.agent as http.Agent;
    } else if (plain) {
      agent = new http.Agent({ keepAlive: true, maxSockets });
    } else {
      agent = new https.Agent({
        keepAlive: true,
        maxSockets,
        ca: options.ca,
        cert: options.cert,
        key: options.key,
        servername: options.servername,
        ...(options.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
      });
    }
    return agent;
  };

  return {
    async get(path, timeoutMs, accept = 'application/json') {
      let options: https.RequestOptions;
      try {
        options = await credentials(config);
      } catch (error) {
        if (error instanceof ClusterReadError) throw error;
        throw new TransportError(`cannot get credentials from the kubeconfig: ${(error as Error).message}`, 'ECREDENTIALS');
      }
      const headers = {
        ...(options.headers as Record<string, string>),
        Accept: accept,
        'Accept-Encoding': 'gzip',
        'User-Agent': 'kcheck',
      };
      const request = plain ? http.request : https.request;
      return new Promise<Response>((resolve, reject) => {
        let settled = false;
        let inflater: Gunzip | undefined;
        const fail = (error: TransportError): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          req.destroy();
          inflater?.destroy();
          reject(error);
        };
        const req = request(
          {
            protocol: base.protocol,
            hostname: base.hostname.replace(/^\[(.*)\]$/, '$1'),
            port: base.port || (plain ? 80 : 443),
            path: prefix + path,
            method: 'GET',
            headers,
            agent: agentFor(options),
          },
          (res) => {
            // The body is counted as it arrives, on the wire and inflated, and
            // the read stops at the limit: a hostile or broken server cannot
            // make kcheck hold more than that.
            if (Number(res.headers['content-length']) > limit) {
              fail(tooLarge());
              return;
            }
            const chunks: Buffer[] = [];
            let size = 0;
            let wire = 0;
            const keep = (chunk: Buffer): void => {
              if (settled) return;
              size += chunk.length;
              if (size > limit) {
                fail(tooLarge());
                return;
              }
              chunks.push(chunk);
            };
            const done = (): void => {
              if (settled) return;
              settled = true;
              clearTimeout(timer);
              resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks, size) });
            };
            if (res.headers['content-encoding'] === 'gzip') {
              inflater = createGunzip();
              inflater.on('data', keep);
              inflater.on('error', (error) => fail(new TransportError(`response body is not valid gzip: ${error.message}`, 'EBADGZIP')));
              inflater.on('end', done);
            }
            res.on('data', (chunk: Buffer) => {
              if (settled) return;
              wire += chunk.length;
              if (wire > limit) {
                fail(tooLarge());
                return;
              }
              if (!inflater) keep(chunk);
              else if (!inflater.write(chunk)) {
                res.pause();
                inflater.once('drain', () => res.resume());
              }
            });
            res.on('error', (error: NodeJS.ErrnoException) => fail(new TransportError(error.message, error.code ?? 'ERESPONSE')));
            res.on('aborted', () => fail(new TransportError('connection closed while reading the response', 'ECONNRESET')));
            res.on('end', () => {
              if (settled) return;
              if (inflater) inflater.end();
              else done();
            });
          },
        );
        const timer = setTimeout(
          () => fail(new TransportError(`no complete answer within ${timeoutMs} ms (--request-timeout)`, 'ETIMEDOUT')),
          timeoutMs,
        );
        req.on('error', (error: NodeJS.ErrnoException) => fail(new TransportError(error.message, error.code ?? 'EREQUEST')));
        req.end();
      });
    },
    close() {
      agent?.destroy();
      for (const old of retired.splice(0)) old.destroy();
    },
  };
}

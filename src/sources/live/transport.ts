import http from 'node:http';
import https from 'node:https';
import { gunzipSync } from 'node:zlib';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ContextConfig } from './kubeconfig.js';

/** One HTTP answer, body read whole (a list page, not the whole list). */
export interface Response {
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

export function httpTransport(context: ContextConfig, maxSockets: number): Transport {
  const base = new URL(context.server);
  const prefix = base.pathname.replace(/\/+$/, '');
  const plain = base.protocol === 'http:';
  const config = authConfig(context);
  const proxied = Boolean(config.getCurrentCluster()?.proxyUrl);
  let agent: http.Agent | undefined;

  const agentFor = (options: https.RequestOptions): http.Agent => {
    if (agent) return agent;
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
        const fail = (error: TransportError): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          req.destroy();
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
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('error', (error: NodeJS.ErrnoException) => fail(new TransportError(error.message, error.code ?? 'ERESPONSE')));
            res.on('aborted', () => fail(new TransportError('connection closed while reading the response', 'ECONNRESET')));
            res.on('end', () => {
              if (settled) return;
              let body = Buffer.concat(chunks);
              try {
                if (res.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
              } catch (error) {
                fail(new TransportError(`response body is not valid gzip: ${(error as Error).message}`, 'EBADGZIP'));
                return;
              }
              settled = true;
              clearTimeout(timer);
              resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
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
    },
  };
}

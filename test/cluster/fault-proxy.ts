import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

/** What the proxy does with one request. */
export type Fault =
  | { type: 'pass' }
  /** Answer this status itself, with a Kubernetes Status body (and Retry-After when given). */
  | { type: 'status'; status: number; retryAfterSeconds?: number }
  /** Drop the connection before answering. */
  | { type: 'reset' }
  /** Forward, but drop the connection after part of the body. */
  | { type: 'cut' }
  /** Wait, then forward. */
  | { type: 'delay'; ms: number };

interface RecordedRequest {
  method: string;
  url: string;
  /** Requests to the same URL before this one, from 0. */
  attempt: number;
  fault: Fault['type'];
  status?: number;
  at: number;
}

export interface FaultProxy {
  /** https://127.0.0.1:PORT, serving the apiserver's own certificate. */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  /** The apiserver to forward to. */
  target: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  /** Decides each request's fate; `attempt` counts earlier requests to the same URL. */
  fault: (request: { method: string; url: string; attempt: number; index: number }) => Fault;
}

function kubeStatus(status: number): string {
  const reason = status === 429 ? 'TooManyRequests' : status === 410 ? 'Expired' : 'InternalError';
  const message =
    status === 429
      ? 'the server has received too many requests and has asked us to try again later'
      : status === 410
        ? 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.'
        : 'an error on the server ("injected by the test proxy") has prevented the request from succeeding';
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code: status });
}

/**
 * An HTTPS proxy on 127.0.0.1 in front of the test apiserver that injects
 * the failures a real cluster shows under load or during a control-plane
 * restart: 429 with Retry-After, 5xx, reset connections, slow answers.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const ca = readFileSync(options.caFile);
  const requests: RecordedRequest[] = [];
  const attempts = new Map<string, number>();
  const agent = new https.Agent({ ca, keepAlive: true });

  const forward = (req: IncomingMessage, res: ServerResponse, record: RecordedRequest, cut: boolean): void => {
    const upstream = https.request(
      {
        hostname: target.hostname,
        port: target.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: target.host },
        agent,
      },
      (answer) => {
        record.status = answer.statusCode;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (!cut) {
          answer.pipe(res);
          return;
        }
        answer.once('data', (chunk: Buffer) => {
          res.write(chunk.subarray(0, Math.max(1, Math.floor(chunk.length / 2))));
          answer.destroy();
          res.socket?.destroy();
        });
      },
    );
    upstream.on('error', () => res.socket?.destroy());
    req.pipe(upstream);
  };

  const server = https.createServer(
    { cert: readFileSync(options.certFile), key: readFileSync(options.keyFile) },
    (req, res) => {
      const url = req.url ?? '/';
      const method = req.method ?? 'GET';
      const attempt = attempts.get(url) ?? 0;
      attempts.set(url, attempt + 1);
      const fault = options.fault({ method, url, attempt, index: requests.length });
      const record: RecordedRequest = { method, url, attempt, fault: fault.type, at: Date.now() };
      requests.push(record);
      switch (fault.type) {
        case 'status': {
          record.status = fault.status;
          res.writeHead(fault.status, {
            'Content-Type': 'application/json',
            ...(fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : {}),
          });
          res.end(kubeStatus(fault.status));
          return;
        }
        case 'reset':
          req.socket.destroy();
          return;
        case 'delay': {
          const timer = setTimeout(() => forward(req, res, record, false), fault.ms);
          res.on('close', () => clearTimeout(timer));
          return;
        }
        case 'cut':
          forward(req, res, record, true);
          return;
        case 'pass':
          forward(req, res, record, false);
      }
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

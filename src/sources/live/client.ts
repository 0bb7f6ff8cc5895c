import type { IncomingHttpHeaders } from 'node:http';
import { ClusterReadError } from './errors.js';
import { describePath } from './resources.js';
import { TransportError, type Transport } from './transport.js';

export interface ClientOptions {
  /** Longest wait for one answer (`--request-timeout`). */
  requestTimeoutMs: number;
  /** Epoch milliseconds after which the scan gives up (`--timeout`). */
  deadline: number;
  /** First retry waits about this long; each later one twice as long, up to maxBackoffMs. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** [0, 1) source for jitter. */
  random?: () => number;
}

/** An answer the caller judges: 2xx, and the 403/404/410 a list or get handles itself. */
export interface Answer {
  status: number;
  body: unknown;
}

export interface TextAnswer {
  status: number;
  text: string;
}

/** The API server sends these when it is overloaded or restarting; they are worth another try. */
const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);

/** Connection-level failures that a later attempt may not meet. */
const RETRY_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ERESPONSE',
]);

const TLS_HINT = 'check certificate-authority(-data) and tls-server-name of the cluster in the kubeconfig';

/** Retry-After in seconds or as an HTTP date (https://www.rfc-editor.org/rfc/rfc9110#field.retry-after). */
export function retryAfterMs(headers: IncomingHttpHeaders, now: number): number | null {
  const value = headers['retry-after'];
  if (typeof value !== 'string' || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The message of a metav1.Status answer, when the body is one. */
export function statusMessage(body: unknown): string | undefined {
  if (body && typeof body === 'object' && 'message' in body && typeof body.message === 'string') return body.message;
  return undefined;
}

/** Failures that say what was read and what was wrong with it, rather than which request failed. */
const BODY_CODES = new Set(['ETOOLARGE', 'EBADGZIP']);

function parse(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function describeStatus(status: number, body: unknown): string {
  const message = statusMessage(body);
  return `HTTP ${status}${message ? `: ${message}` : ''}`;
}

/**
 * GET requests with a per-request timeout and retries (backoff with jitter,
 * Retry-After honoured) until a deadline, like client-go's request retries
 * (https://github.com/kubernetes/client-go/blob/master/rest/with_retry.go).
 */
export class ApiClient {
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly random: () => number;

  constructor(
    private readonly transport: Transport,
    /** `context "name" (https://server)`, for messages. */
    private readonly target: string,
    private readonly options: ClientOptions,
  ) {
    this.baseBackoffMs = options.baseBackoffMs ?? 250;
    this.maxBackoffMs = options.maxBackoffMs ?? 8000;
    this.random = options.random ?? Math.random;
  }

  private backoff(retry: number): number {
    const cap = Math.min(this.maxBackoffMs, this.baseBackoffMs * 2 ** retry);
    return cap / 2 + this.random() * (cap / 2);
  }

  private giveUp(path: string, cause: string, tries: number, started: number): never {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    throw new ClusterReadError(
      `cannot read ${this.target}: GET ${path} failed: ${cause}; gave up after ${tries} attempt${tries === 1 ? '' : 's'} in ${seconds}s (--timeout)`,
    );
  }

  /** GET a JSON document (objects, lists, /version). */
  async get(path: string): Promise<Answer> {
    const { status, body } = await this.request(path, 'application/json');
    const parsed = parse(body);
    if (status >= 200 && status < 300 && parsed === undefined) {
      throw new ClusterReadError(`cannot read ${this.target}: the answer to GET ${path} is not JSON`);
    }
    return { status, body: parsed };
  }

  /** GET a text document (/metrics). */
  async getText(path: string): Promise<TextAnswer> {
    const { status, body } = await this.request(path, 'text/plain');
    return { status, text: body.toString('utf8') };
  }

  private async request(path: string, accept: string): Promise<{ status: number; body: Buffer }> {
    const started = Date.now();
    let lastCause = 'the deadline passed before the request could be sent';
    for (let tries = 1; ; tries++) {
      const remaining = this.options.deadline - Date.now();
      if (remaining <= 0) this.giveUp(path, lastCause, tries - 1, started);
      let cause: string;
      let wait: number;
      try {
        const response = await this.transport.get(path, Math.min(this.options.requestTimeoutMs, remaining), accept);
        if (response.status === 401) {
          throw new ClusterReadError(
            `cannot read ${this.target}: the API server rejected the credentials (401 Unauthorized); check the user of this context in the kubeconfig`,
          );
        }
        if (!RETRY_STATUS.has(response.status)) return { status: response.status, body: response.body };
        cause = describeStatus(response.status, parse(response.body));
        wait = retryAfterMs(response.headers, Date.now()) ?? this.backoff(tries - 1);
      } catch (error) {
        if (!(error instanceof TransportError)) throw error;
        if (BODY_CODES.has(error.code)) throw new ClusterReadError(`cannot read ${this.target}: ${describePath(path)}: ${error.message}`);
        if (!RETRY_CODES.has(error.code)) {
          const tls = /CERT|SELF_SIGNED|SSL|TLS/.test(error.code) ? ` (${TLS_HINT})` : '';
          throw new ClusterReadError(`cannot read ${this.target}: GET ${path}: ${error.message}${tls}`);
        }
        cause = error.message;
        wait = this.backoff(tries - 1);
      }
      lastCause = cause;
      if (Date.now() + wait >= this.options.deadline) this.giveUp(path, cause, tries, started);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

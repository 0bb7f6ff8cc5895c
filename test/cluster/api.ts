import https from 'node:https';
import { readFileSync } from 'node:fs';

/** Where and as whom the test suite talks to its API server. */
export interface ApiTarget {
  server: string;
  caFile: string;
  token: string;
}

export interface ApiAnswer {
  status: number;
  body: unknown;
  text: string;
}

/** One request to the test API server, for setting it up and checking it; kcheck itself never uses this. */
export function apiRequest(target: ApiTarget, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<ApiAnswer> {
  const url = new URL(path, target.server);
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        ca: readFileSync(target.caFile),
        headers: {
          Authorization: `Bearer ${target.token}`,
          Accept: 'application/json',
          ...(payload === undefined ? {} : { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload) }),
        },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // plain-text answers such as /readyz's "ok"
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 30 s`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Like apiRequest, but any answer outside 2xx is an error naming the request. */
export async function apiCall(target: ApiTarget, method: string, path: string, body?: unknown, contentType?: string): Promise<unknown> {
  const answer = await apiRequest(target, method, path, body, contentType);
  if (answer.status < 200 || answer.status >= 300) {
    throw new Error(`${method} ${path} answered HTTP ${answer.status}: ${answer.text.slice(0, 500)}`);
  }
  return answer.body;
}

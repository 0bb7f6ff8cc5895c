import type { Inputs, LiveProvenance, RawObject, ScanGap } from '../types.js';
import { emptyInputs } from '../types.js';
import { ApiClient, statusMessage } from './client.js';
import { ClusterReadError } from './errors.js';
import type { ContextConfig, KubeconfigOptions } from './kubeconfig.js';
import { contextConfig, loadKubeconfig } from './kubeconfig.js';
import { listAll } from './list.js';
import { Progress, type ProgressStream } from './progress.js';
import { deprecatedApiLines } from './metrics.js';
import { reduceObject } from './reduce.js';
import { KUBEADM_CONFIG, LISTED_RESOURCES, apiVersionOf, permission } from './resources.js';
import { httpTransport } from './transport.js';

export interface LiveOptions extends KubeconfigOptions {
  /** `--context`; default: the kubeconfig's current-context. */
  context?: string;
  /** Longest wait for one answer (`--request-timeout`), default 30 s. */
  requestTimeoutMs?: number;
  /** The whole read of one cluster, retries included (`--timeout`), default 5 min. */
  timeoutMs?: number;
  /** Objects per list page, default 500 (kubectl's --chunk-size). */
  pageSize?: number;
  /** Requests in flight at once per cluster, default 4. */
  concurrency?: number;
  /** Progress line target, default stderr (drawn only on a terminal); null for none. */
  progress?: ProgressStream | null;
  /** First and longest wait between retries, default 250 ms and 8 s. */
  backoffMs?: { base: number; max: number };
  /** Largest answer read, on the wire and inflated (`--max-response-size`), default 512 MiB. */
  maxResponseBytes?: number;
}

const LIVE_DEFAULTS = {
  requestTimeoutMs: 30_000,
  timeoutMs: 300_000,
  pageSize: 500,
  concurrency: 4,
  maxResponseBytes: 512 * 1024 * 1024,
} as const;

/** Runs the tasks with at most `limit` of them in flight; the first failure rejects. */
async function inPool(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < tasks.length) {
      const task = tasks[next++];
      try {
        if (task) await task();
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, worker));
}

function gap(context: string, what: string, reason: string, affects: ScanGap['affects']): ScanGap {
  return { what: `${context}/${what}`, reason, ...(affects ? { affects } : {}) };
}

async function readContext(context: ContextConfig, options: LiveOptions, progress: Progress): Promise<Inputs> {
  const concurrency = options.concurrency ?? LIVE_DEFAULTS.concurrency;
  const deadline = Date.now() + (options.timeoutMs ?? LIVE_DEFAULTS.timeoutMs);
  const transport = httpTransport(context, {
    maxSockets: concurrency,
    maxResponseBytes: options.maxResponseBytes ?? LIVE_DEFAULTS.maxResponseBytes,
    deadline,
  });
  const client = new ApiClient(transport, `context "${context.name}" (${context.server})`, {
    requestTimeoutMs: options.requestTimeoutMs ?? LIVE_DEFAULTS.requestTimeoutMs,
    deadline,
    ...(options.backoffMs ? { baseBackoffMs: options.backoffMs.base, maxBackoffMs: options.backoffMs.max } : {}),
  });
  const provenance: LiveProvenance = { type: 'live', cluster: context.name };
  const inputs = emptyInputs();
  inputs.scanned.push(context.name);
  const raw = (object: RawObject['object']): RawObject => ({ object, provenance });
  progress.addResources(LISTED_RESOURCES.length + 3);

  try {
    // /version first and alone: when the server cannot be reached, that is one
    // clear error instead of a dozen.
    const version = await client.get('/version');
    if (version.status === 200) {
      const gitVersion = (version.body as { gitVersion?: unknown }).gitVersion;
      if (typeof gitVersion === 'string') inputs.versionReports.push({ provenance, serverVersion: gitVersion });
    } else {
      const reason =
        version.status === 403
          ? 'forbidden: needs get on the non-resource URL /version'
          : `GET /version answered HTTP ${version.status}`;
      inputs.gaps.push(gap(context.name, 'version', reason, ['controlPlane']));
    }
    progress.resourceDone();

    const listed = new Map<string, RawObject[]>();
    const tasks: (() => Promise<void>)[] = LISTED_RESOURCES.map((resource) => async () => {
      const outcome = await listAll(client, resource, {
        pageSize: options.pageSize ?? LIVE_DEFAULTS.pageSize,
        onObjects: (count) => progress.addObjects(count),
      });
      if (outcome.read) {
        listed.set(resource.resource, outcome.items.map(raw));
      } else if ('malformed' in outcome) {
        inputs.gaps.push(gap(context.name, resource.resource, outcome.malformed, resource.affects));
      } else if (outcome.status === 403) {
        inputs.gaps.push(gap(context.name, resource.resource, `forbidden: needs ${permission('list', resource)}`, resource.affects));
      } else {
        inputs.gaps.push(
          gap(context.name, resource.resource, `not served by this API server (${apiVersionOf(resource)} ${resource.resource}): ${outcome.message}`, resource.affects),
        );
      }
      progress.resourceDone();
    });
    let kubeadmConfig: RawObject | undefined;
    tasks.push(async () => {
      const { namespace, name } = KUBEADM_CONFIG;
      const answer = await client.get(`/api/v1/namespaces/${namespace}/configmaps/${name}`);
      if (answer.status === 200 && answer.body && typeof answer.body === 'object') {
        kubeadmConfig = raw(reduceObject(answer.body as Record<string, unknown>, 'v1', 'ConfigMap'));
        progress.addObjects(1);
      } else if (answer.status === 403) {
        inputs.gaps.push(
          gap(context.name, `configmaps/${namespace}/${name}`, `forbidden: needs ${permission('get', { resource: 'configmaps', group: '' })} ${namespace}/${name}`, ['controlPlane']),
        );
      } else if (answer.status !== 404) {
        // 404: not a kubeadm cluster, nothing to read.
        throw new ClusterReadError(`GET ConfigMap ${namespace}/${name} answered HTTP ${answer.status}: ${statusMessage(answer.body) ?? ''}`);
      }
      progress.resourceDone();
    });
    let metrics: string | undefined;
    tasks.push(async () => {
      const answer = await client.getText('/metrics');
      if (answer.status === 200) {
        metrics = deprecatedApiLines(answer.text);
      } else if (answer.status === 403) {
        inputs.gaps.push(gap(context.name, 'metrics', 'forbidden: needs get on the non-resource URL /metrics', []));
      } else {
        inputs.gaps.push(gap(context.name, 'metrics', `GET /metrics answered HTTP ${answer.status}`, []));
      }
      progress.resourceDone();
    });
    await inPool(tasks, concurrency);

    // One push per object: spreading a list of 150,000 pods into push() would
    // pass more arguments than V8 allows in one call.
    for (const resource of LISTED_RESOURCES) {
      for (const object of listed.get(resource.resource) ?? []) inputs.objects.push(object);
    }
    if (kubeadmConfig) inputs.objects.push(kubeadmConfig);
    if (metrics !== undefined) inputs.metrics = [{ provenance, text: metrics }];
    inputs.gaps.sort((a, b) => a.what.localeCompare(b.what));
    return inputs;
  } catch (error) {
    if (error instanceof ClusterReadError && !error.message.includes(`context "${context.name}"`)) {
      throw new ClusterReadError(`cannot read context "${context.name}" (${context.server}): ${error.message}`);
    }
    throw error;
  } finally {
    transport.close();
  }
}

/** Reads one cluster: the `--context` (or current) context of the kubeconfig kubectl would use. */
export async function readLive(options: LiveOptions = {}): Promise<Inputs> {
  const context = contextConfig(loadKubeconfig(options), options.context);
  const progress = new Progress(context.name, options.progress === undefined ? process.stderr : options.progress);
  try {
    return await readContext(context, options, progress);
  } finally {
    progress.finish();
  }
}

/** Context names of the kubeconfig, for `--all-contexts`. */
export function listContexts(options: KubeconfigOptions = {}): string[] {
  return loadKubeconfig(options).contexts.map((c) => c.name);
}

/**
 * Reads several clusters at once, one Inputs per context in the order given.
 * Every context is checked before any request is made; if any cluster cannot
 * be read the whole call fails naming each one that could not.
 */
export async function readLiveClusters(contexts: string[], options: LiveOptions = {}): Promise<Inputs[]> {
  const loaded = loadKubeconfig(options);
  const configs = contexts.map((name) => contextConfig(loaded, name));
  const label = configs.length === 1 ? (configs[0]?.name ?? '') : `${configs.length} clusters`;
  const progress = new Progress(label, options.progress === undefined ? process.stderr : options.progress);
  try {
    const settled = await Promise.allSettled(configs.map((c) => readContext(c, options, progress)));
    const failed = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    if (failed.length === 1) throw failed[0];
    if (failed.length > 1) {
      const messages = failed.map((e) => `- ${e instanceof Error ? e.message : String(e)}`);
      throw new ClusterReadError(`cannot read ${failed.length} of ${configs.length} clusters:\n${messages.join('\n')}`);
    }
    return settled.map((s) => (s as PromiseFulfilledResult<Inputs>).value);
  } finally {
    progress.finish();
  }
}

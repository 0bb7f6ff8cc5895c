import type { Inputs, LiveProvenance, ScanGap } from '../types.js';
import { emptyInputs } from '../types.js';
import { ApiClient } from './client.js';
import { ClusterReadError } from './errors.js';
import { contextConfig, loadKubeconfig } from './kubeconfig.js';
import { listAll } from './list.js';
import type { LiveOptions } from './read.js';
import { VELERO_RESOURCES, apiVersionOf, permission } from './resources.js';
import { httpTransport } from './transport.js';

/** How a Velero resource is named in gaps: `context/backups.velero.io` (the model knows a Velero gap by that suffix). */
function what(context: string, resource: { resource: string; group: string }): string {
  return `${context}/${resource.resource}.${resource.group}`;
}

/**
 * Lists Velero's Backups, Schedules, storage and snapshot locations and
 * Restores in all namespaces of one context, read-only as the rest of the
 * live read. Velero's CRDs not being served (404) means Velero is not
 * installed: nothing to read, no gap. Forbidden or malformed answers are gaps.
 */
export async function readVelero(options: LiveOptions & { context?: string } = {}): Promise<Inputs> {
  const context = contextConfig(loadKubeconfig(options), options.context);
  const concurrency = options.concurrency ?? 4;
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  const transport = httpTransport(context, { maxSockets: concurrency, maxResponseBytes: options.maxResponseBytes ?? 512 * 1024 * 1024, deadline });
  const client = new ApiClient(transport, `context "${context.name}" (${context.server})`, {
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    deadline,
    ...(options.backoffMs ? { baseBackoffMs: options.backoffMs.base, maxBackoffMs: options.backoffMs.max } : {}),
  });
  const provenance: LiveProvenance = { type: 'live', cluster: context.name };
  const inputs = emptyInputs();
  try {
    const results = await Promise.all(VELERO_RESOURCES.map(async (resource) => ({ resource, outcome: await listAll(client, resource, { pageSize: options.pageSize ?? 500 }) })));
    const gaps: ScanGap[] = [];
    for (const { resource, outcome } of results) {
      if (outcome.read) {
        for (const object of outcome.items) inputs.objects.push({ object, provenance });
      } else if ('malformed' in outcome) {
        gaps.push({ what: what(context.name, resource), reason: outcome.malformed });
      } else if (outcome.status === 403) {
        gaps.push({ what: what(context.name, resource), reason: `forbidden: needs ${permission('list', resource)}` });
      } else if (outcome.status !== 404) {
        gaps.push({ what: what(context.name, resource), reason: `${apiVersionOf(resource)} ${resource.resource} answered HTTP ${outcome.status}: ${outcome.message}` });
      }
    }
    inputs.gaps.push(...gaps);
    return inputs;
  } catch (error) {
    if (error instanceof ClusterReadError && !error.message.includes(`context "${context.name}"`)) {
      throw new ClusterReadError(`cannot read Velero's resources in context "${context.name}" (${context.server}): ${error.message}`);
    }
    throw error;
  } finally {
    transport.close();
  }
}

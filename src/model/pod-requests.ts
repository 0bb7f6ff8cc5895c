import type { Resources } from './types.js';
import { arrayField, field, stringField } from './fields.js';
import { parseQuantity } from './quantity.js';

/**
 * A container's requests; a resource with a limit but no request is requested
 * at its limit (the API server defaults requests to limits:
 * https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#requests-and-limits).
 */
function containerRequests(container: unknown): Resources {
  const out: Resources = {};
  for (const part of ['limits', 'requests']) {
    const values = field(container, 'resources', part);
    if (!values || typeof values !== 'object') continue;
    for (const [name, quantity] of Object.entries(values)) {
      const value = parseQuantity(quantity, name === 'cpu');
      if (value !== null) out[name] = value;
    }
  }
  return out;
}

function add(into: Resources, more: Resources): Resources {
  for (const [k, v] of Object.entries(more)) into[k] = (into[k] ?? 0) + v;
  return into;
}

function max(into: Resources, other: Resources): Resources {
  for (const [k, v] of Object.entries(other)) into[k] = Math.max(into[k] ?? 0, v);
  return into;
}

/**
 * What the scheduler reserves for a pod (resourcehelper.PodRequests,
 * https://kubernetes.io/docs/concepts/workloads/pods/init-containers/#resource-sharing-within-containers):
 * the sum of the app containers plus sidecars (init containers with
 * restartPolicy Always), or the largest init container plus the sidecars
 * started before it, whichever is larger, per resource; plus spec.overhead.
 */
export function podRequests(spec: unknown): Resources {
  const total: Resources = {};
  for (const c of arrayField(spec, 'containers')) add(total, containerRequests(c));
  const sidecars: Resources = {};
  const initPeak: Resources = {};
  for (const c of arrayField(spec, 'initContainers')) {
    const own = containerRequests(c);
    if (stringField(c, 'restartPolicy') === 'Always') {
      add(sidecars, own);
      max(initPeak, { ...sidecars });
    } else {
      max(initPeak, add({ ...own }, sidecars));
    }
  }
  add(total, sidecars);
  max(total, initPeak);
  const overhead = field(spec, 'overhead');
  if (overhead && typeof overhead === 'object') add(total, containerRequests({ resources: { requests: overhead } }));
  return total;
}

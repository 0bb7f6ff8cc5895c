import type { Pod, Resources } from '../model/types.js';

const BINARY: [string, number][] = [['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]];

/** A quantity as kubectl shows it: cpu in cores or millicores, bytes with a binary suffix when exact. */
function formatQuantity(name: string, value: number): string {
  if (name === 'cpu') return value % 1000 === 0 ? String(value / 1000) : `${value}m`;
  for (const [suffix, size] of BINARY) if (value >= size && value % size === 0) return `${value / size}${suffix}`;
  return String(value);
}

export function formatRequests(requests: Resources): string {
  const parts = Object.entries(requests)
    .filter(([, v]) => v > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ${formatQuantity(k, v)}`);
  return parts.length > 0 ? parts.join(', ') : 'no requests';
}

/** `default/hr-app` */
export const podName = (pod: Pod): string => `${pod.namespace}/${pod.name}`;

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

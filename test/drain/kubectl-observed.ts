import { spawn } from 'node:child_process';
import type { DrainPrediction, DrainRunPrediction } from '../../src/predict/drain-types.js';

/**
 * What a real `kubectl drain` did to each pod, read from its own output
 * (k8s.io/kubectl v0.35.4 pkg/drain/drain.go and pkg/cmd/drain/drain.go print
 * every line parsed here), and the same answer drawn from kcheck's prediction.
 */
export type PodAnswer =
  /** Refused by a filter; the flag kubectl names ('' for an error without one, such as a DaemonSet NotFound). */
  | `refused ${string}`
  /** Left on the node by --ignore-daemonsets. */
  | 'ignored'
  /** Not touched at all (mirror pods, pods past --skip-wait-for-delete-timeout, every pod of a node a filter refused). */
  | 'untouched'
  /** The API server accepted the eviction (and, in a real run, the pod went). */
  | 'evicted'
  /** Deleted with --disable-eviction, and gone. */
  | 'deleted'
  /** drain waited for the pod to go until --timeout. */
  | 'waited'
  | '429'
  | '403'
  | '500';

export interface KubectlRun {
  code: number;
  stdout: string;
  stderr: string;
  /** How long kubectl ran, in seconds. */
  seconds: number;
}

/** Runs kubectl, calling `onLine` for each line it writes (stdout and stderr) as it writes it. */
export function runKubectlDrain(kubectl: string, kubeconfig: string, args: string[], onLine?: (line: string) => void): Promise<KubectlRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(kubectl, ['--kubeconfig', kubeconfig, 'drain', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const feed = (chunk: string, pending: { text: string }): void => {
      pending.text += chunk;
      const lines = pending.text.split('\n');
      pending.text = lines.pop() ?? '';
      for (const line of lines) onLine?.(line);
    };
    const out = { text: '' };
    const err = { text: '' };
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      feed(c, out);
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
      feed(c, err);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, seconds: (Date.now() - started) / 1000 }));
  });
}

const list = (text: string): string[] => text.split(',').map((p) => p.trim()).filter(Boolean);

/** Each pod's answer as kubectl's output shows it; `pods` are `namespace/name` of the pods on the node. */
export function observedAnswers(run: KubectlRun, pods: string[]): Record<string, PodAnswer> {
  const text = `${run.stdout}\n${run.stderr}`;
  const answers: Record<string, PodAnswer> = Object.fromEntries(pods.map((p) => [p, 'untouched' as PodAnswer]));
  const rank: PodAnswer[] = ['untouched', 'ignored', 'evicted', 'deleted', 'waited', '429', '403', '500'];
  const set = (pod: string, answer: PodAnswer): void => {
    const now = answers[pod] ?? 'untouched';
    if (now.startsWith('refused')) return;
    if (answer.startsWith('refused') || rank.indexOf(answer) > rank.indexOf(now)) answers[pod] = answer;
  };
  const byName = (ns: string, name: string) => `${ns}/${name}`;
  for (const m of text.matchAll(/^evicting pod (\S+?)(?: \((?:server )?dry run\))?$/gm)) set(m[1]!, 'evicted');
  for (const m of text.matchAll(/^pod\/(\S+) deleted(?: \((?:server )?dry run\))?$/gm)) {
    const pod = pods.find((p) => p.endsWith(`/${m[1]}`));
    if (pod) set(pod, 'deleted');
  }
  for (const m of text.matchAll(/^error when evicting pods\/"([^"]+)" -n "([^"]+)" \(will retry after 5s\): /gm)) set(byName(m[2]!, m[1]!), '429');
  for (const m of text.matchAll(/^error when evicting pod "([^"]+)" from terminating namespace "([^"]+)"/gm)) set(byName(m[2]!, m[1]!), '403');
  for (const m of text.matchAll(/^error when evicting pods\/"([^"]+)" -n "([^"]+)": This pod has more than one PodDisruptionBudget/gm)) set(byName(m[2]!, m[1]!), '500');
  for (const m of text.matchAll(/^error when waiting for pod "([^"]+)" in namespace "([^"]+)" to terminate/gm)) set(byName(m[2]!, m[1]!), 'waited');
  // --disable-eviction: pods still there when the wait ends are listed after the error.
  const pending = /^There are pending pods in node "[^"]+" when an error occurred: context deadline exceeded\n((?:pod\/\S+\n?)+)/m.exec(text);
  for (const line of pending?.[1]?.split('\n') ?? []) {
    const pod = pods.find((p) => p.endsWith(`/${line.replace(/^pod\//, '')}`));
    if (pod && line) set(pod, 'waited');
  }
  for (const m of text.matchAll(/ignoring DaemonSet-managed Pods: ([^;\n]+)/g)) for (const pod of list(m[1]!)) set(pod, 'ignored');
  // kubectl repeats each refusal on a line of its own after the summary.
  for (const m of text.matchAll(/^cannot delete (.*): (\S+\/\S+(?:, \S+\/\S+)*)$/gm)) {
    const needs = /\(use (--[a-z-]+)/.exec(m[1]!)?.[1] ?? '';
    for (const pod of list(m[2]!)) answers[pod] = `refused ${needs}`;
  }
  return answers;
}

const FLAG_OF: Record<string, string> = { daemonSet: '--ignore-daemonsets', localStorage: '--delete-emptydir-data', unreplicated: '--force' };

/** The same answers from kcheck's prediction of one node. */
export function predictedAnswers(p: DrainPrediction, podsOnNode: string[] = []): Record<string, PodAnswer> {
  // Pods drain does not list (outside --pod-selector) are not touched.
  const unlisted = Object.fromEntries(podsOnNode.map((k): [string, PodAnswer] => [k, 'untouched']));
  const refusedNode = p.fates.some((f) => f.filter.final.type === 'Error');
  return Object.assign(unlisted, Object.fromEntries(
    p.fates.map((f): [string, PodAnswer] => {
      const key = `${f.pod.namespace}/${f.pod.name}`;
      const status = f.filter.final;
      if (status.type === 'Error') return [key, `refused ${status.message.includes('(use --') ? FLAG_OF[status.filter] ?? '' : ''}`];
      if (refusedNode) return [key, 'untouched'];
      if (!status.delete) return [key, status.filter === 'daemonSet' ? 'ignored' : 'untouched'];
      if (p.flags.disableEviction) return [key, f.end === 'waits' ? 'waited' : 'deleted'];
      const e = f.eviction;
      if (e?.result === 'retried') return [key, '429'];
      // A pod already deleting in a terminating namespace: kubectl takes the 403 silently and waits for the pod (drain.go#L315-L319).
      if (e?.result === 'refused' && !(e.reason === 'terminating-namespace' && f.pod.deleting)) return [key, String(e.code) as PodAnswer];
      return [key, f.end === 'waits' ? 'waited' : 'evicted'];
    }),
  ));
}

/** kubectl's lines, normalised where Go picks an order (map iteration, goroutines): each once, a Warning's parts sorted. */
export function comparableLines(lines: string[]): string[] {
  const out = new Set<string>();
  for (const line of lines) {
    if (line === '' || /^error: unable to drain node /.test(line) || /^There are pending pods in node /.test(line)) continue;
    if (line.startsWith('Warning: ')) {
      for (const part of line.slice('Warning: '.length).split('; ')) out.add(`Warning: ${part.replace(/: (.*)$/, (_, pods: string) => `: ${pods.split(', ').sort().join(', ')}`)}`);
      continue;
    }
    // An aggregate of several errors: the order is the goroutines' and Go's map's.
    if (/^\[.*\]$/.test(line)) continue;
    out.add(line);
  }
  return [...out].sort();
}

/** The prediction's exit status as kubectl's: 0 when it completes. */
export const predictedSuccess = (run: DrainRunPrediction): boolean => run.outcome === 'completes';

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What `kubectl drain NODE --dry-run=server` decided, pod by pod (`namespace/name`). */
export interface KubectlDrain {
  exitCode: number;
  /** Pods kubectl sent an eviction (dry run) for and the server accepted. */
  evicted: string[];
  /** Pods whose eviction the server refused because of a PodDisruptionBudget. */
  blockedByPdb: string[];
  /** Pods kubectl refuses to touch without a flag, with the flag it names (e.g. `--force`). */
  refused: { pod: string; needs: string }[];
  /** DaemonSet pods left in place by --ignore-daemonsets. */
  ignored: string[];
  stdout: string;
  stderr: string;
}

function pods(list: string): string[] {
  return list
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

/**
 * Parses kubectl's drain output (k8s.io/kubectl/pkg/drain and
 * pkg/cmd/drain): "evicting pod NS/NAME", "cannot delete ... (use --FLAG ...): NS/A, NS/B",
 * "ignoring DaemonSet-managed Pods: ...", "error when evicting pods/"NAME" -n "NS" ...
 * disruption budget".
 */
function parseDrainOutput(stdout: string, stderr: string, exitCode: number): KubectlDrain {
  const attempted = new Set<string>();
  for (const m of stdout.matchAll(/^evicting pod (\S+) \(server dry run\)$/gm)) if (m[1]) attempted.add(m[1]);
  const blockedByPdb = new Set<string>();
  for (const m of stderr.matchAll(/error when evicting pods\/"([^"]+)" -n "([^"]+)"[^\n]*disruption budget/g)) blockedByPdb.add(`${m[2]}/${m[1]}`);
  const refused = new Map<string, string>();
  // kubectl repeats each refusal on a line of its own after the summary.
  for (const m of stderr.matchAll(/^cannot delete .*?\(use (--[a-z-]+)[^)]*\): (.+)$/gm)) {
    for (const pod of pods(m[2] ?? '')) refused.set(pod, m[1] ?? '');
  }
  const ignored = new Set<string>();
  for (const m of stderr.matchAll(/ignoring DaemonSet-managed Pods: ([^;\n]+)/g)) for (const pod of pods(m[1] ?? '')) ignored.add(pod);
  return {
    exitCode,
    evicted: [...attempted].filter((p) => !blockedByPdb.has(p)).sort(),
    blockedByPdb: [...blockedByPdb].sort(),
    refused: [...refused].map(([pod, needs]) => ({ pod, needs })).sort((a, b) => a.pod.localeCompare(b.pod)),
    ignored: [...ignored].sort(),
    stdout,
    stderr,
  };
}

/**
 * Runs `kubectl drain NODE --dry-run=server` with the given flags: the API
 * server runs cordon and every eviction (PDBs included) without applying them.
 * kubectl retries an eviction a PDB refuses every 5 s; `timeout` ends that.
 */
export async function kubectlDrainDryRun(
  cluster: { kubectl: string; kubeconfigPath: string },
  node: string,
  flags: string[] = [],
  timeout = '2s',
): Promise<KubectlDrain> {
  const args = ['--kubeconfig', cluster.kubeconfigPath, 'drain', node, '--dry-run=server', `--timeout=${timeout}`, ...flags];
  try {
    const { stdout, stderr } = await run(cluster.kubectl, args);
    return parseDrainOutput(stdout, stderr, 0);
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; code?: number };
    if (typeof e.code !== 'number') throw error;
    return parseDrainOutput(e.stdout ?? '', e.stderr ?? '', e.code);
  }
}

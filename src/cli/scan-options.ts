import { Option, type Command } from 'commander';
import { FAIL_ON_CHOICES } from '../engine/types.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The options every command that reads a cluster takes. */
export function addInputOptions(command: Command): Command {
  return command
    .option('--root <dir>', "a control-plane node's files under DIR (DIR/etc/kubernetes/manifests, kubeadm config); --root / on a node")
    .option('--target <version>', 'the Kubernetes minor to upgrade to, e.g. 1.33')
    .option('--now <time>', 'capture time (ISO-8601) the state is judged at; default: now')
    .option('--config <file>', 'configuration file (default: .kcheck.yaml in the working directory)')
    .option('--kubectl-version <version>', 'the kubectl version operators use, e.g. v1.32.4')
    .option('--kubeadm-version <version>', 'the kubeadm version on the control-plane node, e.g. v1.32.4')
    .option('--backups <dir>', 'folder holding etcd snapshots and resource dumps (repeatable)', collect)
    .option('--window <duration>', 'how long the maintenance lasts: a backup that expires before its end is flagged, e.g. 4h (default 24h)')
    .option('--allow-incomplete', 'exit by findings even when some input could not be read')
    .option('--live', 'read the cluster of the kubeconfig context too (the default when no file input is given)')
    .option('--kubeconfig <file>', 'kubeconfig file (default: KUBECONFIG, then ~/.kube/config, then in-cluster)')
    .option('--context <name>', 'kubeconfig context to read (repeatable: several clusters at once)', collect)
    .option('--all-contexts', 'read every context of the kubeconfig')
    .option('--request-timeout <duration>', 'longest wait for one API answer, e.g. 30s', '30s')
    .option('--timeout <duration>', 'longest read of one cluster, retries included, e.g. 5m', '5m')
    .option('--max-response-size <size>', 'largest API answer read, on the wire or inflated, e.g. 64MiB (past 512MiB none can be parsed)', '512MiB')
    .option('--page-size <n>', 'objects per list page (kubectl\'s --chunk-size)', '500')
    .option('--concurrency <n>', 'API requests in flight at once per cluster', '4');
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1e3, kb: 1e3, ki: 2 ** 10, kib: 2 ** 10, m: 1e6, mb: 1e6, mi: 2 ** 20, mib: 2 ** 20, g: 1e9, gb: 1e9, gi: 2 ** 30, gib: 2 ** 30 };

/** `512MiB`, `1Gi`, `1GB`, `4096`: bytes, or null when the text is not a size. */
export function parseSize(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match ? SIZE_UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) return null;
  return Math.floor(Number(match[1]) * unit);
}

/** `--fail-on`, with its choices. */
export function failOnOption(): Option {
  return new Option('--fail-on <severity>', 'lowest severity that makes the exit code 1').choices(FAIL_ON_CHOICES);
}

/** The options every command that writes a report takes. */
export function addOutputOptions(command: Command, formats: readonly string[]): Command {
  return command
    .addOption(new Option('--format <format>', 'report format').choices(formats).default('text'))
    .option('-o, --output <file>', 'write the report to FILE instead of stdout')
    .addOption(failOnOption())
    .option('--sarif-anchor <file>', 'repository file SARIF results about cluster objects are anchored to')
    .option('--sarif-category <id>', 'SARIF automationDetails.id, the code scanning category (default: kcheck/CLUSTER/)');
}

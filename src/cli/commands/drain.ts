import { existsSync } from 'node:fs';
import { writeReport, writeText } from '../output.js';
import { formatNames } from '../../report/index.js';
import { Command, Option } from 'commander';
import { rules as allRules } from '../../../rules/index.js';
import { UsageError } from '../../engine/errors.js';
import { reachesFailOn, run } from '../../engine/run.js';
import { FAIL_ON_CHOICES, type FailOn } from '../../engine/types.js';
import type { DrainFlags } from '../../model/types.js';
import { drainJson, drainRunJson, formatDrainRunText } from '../../report/drain.js';
import { jsonReport } from '../../report/json.js';
import { formatText } from '../../report/text.js';
import { POD_SELECTOR_INVALID } from '../../predict/drain-filters.js';
import { DUMP_COMMAND } from '../../predict/dump-command.js';
import { predictDrainRun } from '../../predict/drain.js';
import { type DrainPrediction, type DrainRunPrediction } from '../../predict/drain-types.js';
import { parseLabelSelector, selectorMatches } from '../../predict/label-selector.js';
import { LISTED_RESOURCES } from '../../sources/live/resources.js';
import { packageVersion } from '../../sources/package-files.js';
import { scan, type Scan, type ScanRequest } from '../pipeline.js';
import { addInputOptions } from '../scan-options.js';
import { wantsColor } from '../terminal.js';
import { requestFrom, type ScanFlags } from './scan.js';

/** Only the drain rules (and bad-input findings) judge a drain. */
const drainRules = allRules.filter((r) => r.category === 'drain' || r.category === 'input');

export { DUMP_COMMAND };

export interface DrainRun {
  scan: Scan;
  /** The whole `kubectl drain` (every node asked for). */
  drain: DrainRunPrediction;
  /** The first node's prediction. */
  prediction: DrainPrediction;
  /** The outcome's code, raised to 1 by findings at or above an explicit --fail-on; 2 when the input is incomplete. */
  exitCode: 0 | 1 | 2;
}

export interface DrainTarget {
  /** Node names as given; empty with a selector. */
  nodes: string[];
  /** kubectl's --selector (-l) for nodes. */
  selector?: string;
}

export interface DrainOptions {
  /** --fail-on as given: findings at or above it make the exit code at least 1. Without it, only the outcome decides. */
  failOn?: FailOn;
}

function pickNodes(target: DrainTarget, names: string[], labels: Map<string, Record<string, string>>): string[] {
  if (target.selector === undefined) return target.nodes;
  const parsed = parseLabelSelector(target.selector);
  if (!parsed.ok) throw new UsageError(`--selector: "${target.selector}" is not a label selector: ${parsed.error}`);
  // kubectl lists the nodes that match, in the API's order (by name).
  const picked = names.filter((n) => selectorMatches(parsed.requirements, labels.get(n) ?? {})).sort();
  if (picked.length === 0) throw new UsageError(`--selector ${target.selector}: no node in the input matches (kubectl: No resources found)`);
  return picked;
}

/** Reads the inputs (files or a live cluster, as `scan` does), predicts `kubectl drain` of the nodes and judges it with the drain rules. */
export async function runDrain(target: DrainTarget | string, request: ScanRequest, flags: DrainFlags, options: DrainOptions = {}): Promise<DrainRun> {
  const asked: DrainTarget = typeof target === 'string' ? { nodes: [target] } : target;
  if (flags.podSelector !== undefined && !parseLabelSelector(flags.podSelector).ok) {
    throw new UsageError(`${POD_SELECTOR_INVALID}: ${(parseLabelSelector(flags.podSelector) as { error: string }).error}`);
  }
  const live = request.live !== undefined || (request.paths.length === 0 && request.root === undefined && (request.backups?.length ?? 0) === 0);
  // A live read lists these kinds even when a cluster has none of them.
  const listedKinds = live ? LISTED_RESOURCES.map((r) => r.kind) : [];
  const { failOn: _ignored, ...rest } = request;
  const read = await scan({ ...rest, drain: { nodes: asked.nodes, flags, listedKinds } });
  if (read.model.nodes.length === 0) {
    throw new UsageError(`no Node objects in the input: dump the cluster with\n  ${DUMP_COMMAND}\nto predict a drain`);
  }
  const nodes = pickNodes(asked, read.model.nodes.map((n) => n.name), new Map(read.model.nodes.map((n) => [n.name, n.labels])));
  for (const node of nodes) {
    if (!read.model.nodes.some((n) => n.name === node)) {
      throw new UsageError(
        `nodes "${node}" not found in the input; nodes read: ${read.model.nodes.map((n) => n.name).join(', ')}` +
          (request.paths.includes(node) ? '' : ` (if "${node}" is meant as a file, it does not exist)`),
      );
    }
  }
  // A kind whose list was refused was not read: the prediction then says what it assumed about it.
  const readKinds = listedKinds.filter((kind) => {
    const resource = LISTED_RESOURCES.find((r) => r.kind === kind)!;
    return !read.model.gaps.some((g) => g.what.endsWith(`/${resource.resource}`));
  });
  const model = { ...read.model, drain: { nodes, flags, listedKinds: readKinds } };
  const result = run(model, drainRules, read.config);
  const drain = predictDrainRun(model, nodes, flags);
  const incomplete = result.gaps.length > 0 && !request.allowIncomplete;
  const findingsRaise = options.failOn !== undefined && result.findings.some((f) => !f.suppressed && reachesFailOn(f.severity, options.failOn!));
  const exitCode: 0 | 1 | 2 = incomplete ? 2 : drain.exitCode === 0 && findingsRaise ? 1 : drain.exitCode;
  const judged: Scan = { ...read, model, result, rules: drainRules, exitCode, failOn: options.failOn ?? 'never' };
  return { scan: judged, drain, prediction: drain.nodes[0]!, exitCode };
}

export function formatDrainRun(run: DrainRun, format: string, color: boolean): string {
  const context = { rules: run.scan.rules, toolVersion: packageVersion(), color };
  if (format === 'json') {
    const drain = drainRunJson(run.drain);
    // One node: its pods and answers beside the outcome, as before several nodes could be asked for.
    const single = run.drain.nodes.length === 1 ? drainJson(run.drain.nodes[0]!) : {};
    return `${JSON.stringify({ ...jsonReport(run.scan.result, context), exitCode: run.exitCode, drain: { ...single, ...drain } }, null, 2)}\n`;
  }
  const findings = formatText(run.scan.result, context);
  return formatDrainRunText(run.drain, color) + (findings.trim() === '' ? '' : `\n${findings}`);
}

/** A Go time.Duration as kubectl's --timeout takes it (`0`, `90s`, `1m30s`, `2h`), in seconds. */
export function parseGoDuration(text: string): number | null {
  if (/^[+-]?0$/.test(text)) return 0;
  const units: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let at = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * units[m[2]!]!;
    at = re.lastIndex;
  }
  return at === text.length && at > 0 ? total : null;
}

function integerFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text)) throw new UsageError(`${flag}: "${text}" is not a whole number (invalid argument for kubectl too)`);
  return Number(text);
}

interface DrainCliFlags extends Omit<ScanFlags, 'timeout'> {
  ignoreDaemonsets?: boolean;
  deleteEmptydirData?: boolean;
  force?: boolean;
  disableEviction?: boolean;
  gracePeriod?: string;
  timeout?: string;
  readTimeout?: string;
  podSelector?: string;
  skipWaitForDeleteTimeout?: string;
  dryRun?: string;
  selector?: string;
  chunkSize?: string;
  deleteLocalData?: boolean;
  as?: string;
  asGroup?: string[];
  namespace?: string;
}

/** kubectl drain's flags that kcheck cannot honour, and why: refused, never ignored. */
const REFUSED: [keyof DrainCliFlags, string, string][] = [
  ['deleteLocalData', '--delete-local-data', 'kubectl removed it in v1.31 (it refuses the flag: "unknown flag: --delete-local-data"); use --delete-emptydir-data'],
  ['as', '--as', 'kcheck predicts the drain as the identity it reads the cluster with; drain as that identity, or read with a kubeconfig context for the other one'],
  ['asGroup', '--as-group', 'kcheck predicts the drain as the identity it reads the cluster with'],
  ['namespace', '--namespace', 'kubectl drain works on nodes and ignores the namespace; leave it out'],
];

/** The kubectl drain flags as kcheck models them, from the command line. */
export function drainFlagsFrom(flags: DrainCliFlags): DrainFlags {
  for (const [key, flag, why] of REFUSED) {
    if (flags[key] !== undefined) throw new UsageError(`kcheck drain does not model ${flag}: ${why}`);
  }
  const timeout = flags.timeout === undefined ? undefined : parseGoDuration(flags.timeout);
  if (timeout === null) throw new UsageError(`--timeout: "${flags.timeout}" is not a duration as kubectl takes it (e.g. 0, 90s, 5m, 1h30m)`);
  if (flags.dryRun !== undefined && !['none', 'server', 'client'].includes(flags.dryRun)) {
    throw new UsageError(`--dry-run: "${flags.dryRun}" is not one of none, server, client (kubectl: Invalid dry-run value)`);
  }
  if (flags.chunkSize !== undefined) integerFlag('--chunk-size', flags.chunkSize);
  const grace = integerFlag('--grace-period', flags.gracePeriod);
  const skip = integerFlag('--skip-wait-for-delete-timeout', flags.skipWaitForDeleteTimeout);
  return {
    ignoreDaemonsets: flags.ignoreDaemonsets === true,
    deleteEmptydirData: flags.deleteEmptydirData === true,
    force: flags.force === true,
    disableEviction: flags.disableEviction === true,
    ...(grace !== undefined ? { gracePeriodSeconds: grace } : {}),
    ...(timeout !== undefined ? { timeoutSeconds: timeout } : {}),
    ...(flags.podSelector !== undefined && flags.podSelector !== '' ? { podSelector: flags.podSelector } : {}),
    ...(skip !== undefined ? { skipWaitForDeleteTimeoutSeconds: skip } : {}),
    ...(flags.dryRun === 'server' || flags.dryRun === 'client' ? { dryRun: flags.dryRun } : {}),
  };
}

/** Nodes and input paths from the positional arguments: the first is a node; later ones are inputs when they exist (or are `-` or a glob). */
export function splitArguments(args: string[], selector: string | undefined, isInput: (arg: string) => boolean): DrainTarget & { paths: string[] } {
  if (selector !== undefined) {
    const named = args.filter((a) => !isInput(a));
    if (named.length > 0) throw new UsageError('error: cannot specify both a node name and a --selector option (kubectl refuses it too)');
    return { nodes: [], selector, paths: args };
  }
  if (args.length === 0) throw new UsageError('kcheck drain needs a node name (or --selector), as kubectl drain does');
  const [first, ...rest] = args;
  const nodes = [first!, ...rest.filter((a) => !isInput(a))];
  return { nodes, paths: rest.filter(isInput) };
}

/** kubectl drain's own flags, as kubectl spells them (the ones kcheck refuses are hidden, and refused when given). */
function addKubectlDrainOptions(command: Command): Command {
  return command
    .option('--ignore-daemonsets', 'as kubectl drain: leave DaemonSet pods on the node')
    .option('--delete-emptydir-data', 'as kubectl drain: delete pods with emptyDir volumes, and their data')
    .option('--force', 'as kubectl drain: delete pods that declare no controller (they are lost for good)')
    .option('--disable-eviction', 'as kubectl drain: delete instead of evicting, bypassing PodDisruptionBudgets')
    .option('--grace-period <seconds>', "as kubectl drain: seconds each pod gets to stop; negative: the pod's own (default -1)")
    .option('--timeout <duration>', 'as kubectl drain: how long drain waits before giving up, e.g. 5m; 0 (the default) waits forever')
    .option('--pod-selector <selector>', "as kubectl drain: drain only the node's pods with these labels")
    .option('--skip-wait-for-delete-timeout <seconds>', 'as kubectl drain: stop waiting for a pod whose deletionTimestamp is older than this')
    .option('--dry-run <strategy>', 'as kubectl drain: none, server (the API server answers and changes nothing: no budget is used up, and with --disable-eviction drain waits until --timeout) or client')
    .option('-l, --selector <selector>', 'as kubectl drain: drain every node with these labels instead of naming them')
    .option('--chunk-size <n>', 'as kubectl drain: list page size; it changes nothing in what drain does')
    .addOption(new Option('--delete-local-data').hideHelp())
    .addOption(new Option('--as <user>').hideHelp())
    .addOption(new Option('--as-group <group>').hideHelp())
    .addOption(new Option('-n, --namespace <namespace>').hideHelp());
}

/**
 * kubectl drain's flags from words (`--ignore-daemonsets --timeout=5m`), as
 * the command line takes them: the Action's drain-flags input.
 */
export function parseDrainFlags(words: string[]): { flags: DrainFlags; selector?: string } {
  const command = addKubectlDrainOptions(new Command('drain-flags'))
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  try {
    command.parse(words, { from: 'user' });
  } catch (error) {
    throw new UsageError(`drain-flags: ${(error as Error).message.replace(/^error: /, '')}`);
  }
  const given = command.opts<DrainCliFlags>();
  return { flags: drainFlagsFrom(given), ...(given.selector !== undefined ? { selector: given.selector } : {}) };
}

export function registerDrain(program: Command, setExit: (code: number) => void, isInput: (arg: string) => boolean = defaultIsInput): void {
  const command = program
    .command('drain')
    .description('what kubectl drain NODE... would do, pod by pod, whether it completes, and whether the rest of the cluster can take the evicted pods')
    .argument('<node-or-path...>', `the nodes to drain, then a dump (${DUMP_COMMAND.replace(' > cluster.yaml', '')}), folders, globs, or - for stdin`);
  addKubectlDrainOptions(command);
  // The input options, with kubectl's --timeout taken by drain: the read's own timeout is --read-timeout here.
  const inputs = addInputOptions(new Command());
  for (const option of inputs.options) if (option.long !== '--timeout') command.addOption(option);
  command
    .option('--read-timeout <duration>', 'longest read of one cluster, retries included, e.g. 5m', '5m')
    .addOption(new Option('--format <format>', 'report format: text and json show the prediction; the others (sarif, github, ...) the drain rules\' findings, as kcheck scan writes them').choices(['text', 'json', ...formatNames.filter((f) => f !== 'text' && f !== 'json')]).default('text'))
    .option('-o, --output <file>', 'write the report to FILE instead of stdout')
    .option('--sarif-anchor <file>', 'repository file SARIF results about cluster objects are anchored to')
    .option('--sarif-category <id>', 'SARIF automationDetails.id, the code scanning category')
    .addOption(new Option('--fail-on <severity>', 'also exit 1 when a finding reaches this severity (by default only the outcome decides)').choices(FAIL_ON_CHOICES));
  command.addHelpText('after', `
Exit codes (what a gate reads):
  0  the drain would complete (PDB retries included, once the replacements are Ready)
  1  it would stop, hang or time out (the JSON says which: outcome stops | hangs, with the reason)
  2  kcheck cannot tell: a node not in the input, a permission missing, the input incomplete
  --fail-on SEVERITY raises a 0 to 1 when a finding reaches SEVERITY; findings never lower the code.

Examples:
  ${DUMP_COMMAND}
  kcheck drain node01 cluster.yaml
  kcheck drain node01 node02 cluster.yaml --ignore-daemonsets --timeout=5m --format json
  kcheck drain -l node-role.kubernetes.io/worker= cluster.yaml --ignore-daemonsets
  kcheck drain node01 --context prod --ignore-daemonsets      a live cluster, read-only`);
  command.action(async (args: string[], flags: DrainCliFlags) => {
    const drainFlags = drainFlagsFrom(flags);
    const { nodes, selector, paths } = splitArguments(args, flags.selector, isInput);
    const { timeout: _drainTimeout, readTimeout, ...scanFlags } = flags;
    const request = requestFrom(paths, { ...scanFlags, ...(readTimeout !== undefined ? { timeout: readTimeout } : {}) });
    const failOn = flags.failOn as FailOn | undefined;
    const result = await runDrain({ nodes, ...(selector !== undefined ? { selector } : {}) }, request, drainFlags, failOn ? { failOn } : {});
    const format = flags.format ?? 'text';
    if (format === 'text' || format === 'json') {
      writeText(formatDrainRun(result, format, flags.output === undefined && format === 'text' && wantsColor(process.stdout)), flags.output);
    } else {
      writeReport([result.scan], { ...flags, format });
    }
    setExit(result.exitCode);
  });
}

function defaultIsInput(arg: string): boolean {
  return arg === '-' || /[*?[\]{}]/.test(arg) || existsSync(arg);
}

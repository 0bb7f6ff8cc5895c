import { writeText } from '../output.js';
import { Option, type Command } from 'commander';
import { rules as allRules } from '../../../rules/index.js';
import { UsageError } from '../../engine/errors.js';
import { exitCode, run } from '../../engine/run.js';
import type { DrainFlags } from '../../model/types.js';
import { drainJson, formatDrainText } from '../../report/drain.js';
import { jsonReport } from '../../report/json.js';
import { formatText } from '../../report/text.js';
import { simulateDrain, type DrainPrediction } from '../../simulate/drain.js';
import { packageVersion } from '../../sources/package-files.js';
import { scan, type Scan, type ScanRequest } from '../pipeline.js';
import { addInputOptions } from '../scan-options.js';
import { wantsColor } from '../terminal.js';
import { requestFrom, type ScanFlags } from './scan.js';

/** Only the drain rules (and bad-input findings) judge a drain. */
const drainRules = allRules.filter((r) => r.category === 'drain' || r.category === 'input');

export interface DrainRun {
  scan: Scan;
  prediction: DrainPrediction;
}

/** Reads the inputs (files or a live cluster, as `scan` does), predicts the drain of one node and judges it with the drain rules. */
export async function runDrain(node: string, request: ScanRequest, flags: DrainFlags): Promise<DrainRun> {
  const read = await scan({ ...request, drain: { nodes: [node], flags } });
  if (read.model.nodes.length === 0) {
    throw new UsageError(`no Node objects in the input: include them (kubectl get nodes -o yaml) to predict a drain of ${node}`);
  }
  if (!read.model.nodes.some((n) => n.name === node)) {
    throw new UsageError(`nodes "${node}" not found in the input; nodes read: ${read.model.nodes.map((n) => n.name).join(', ')}`);
  }
  const result = run(read.model, drainRules, read.config);
  const judged: Scan = { ...read, result, rules: drainRules, exitCode: exitCode(result, read.failOn, request.allowIncomplete) };
  return { scan: judged, prediction: simulateDrain(read.model, node, flags) };
}

interface DrainCliFlags extends ScanFlags {
  ignoreDaemonsets?: boolean;
  deleteEmptydirData?: boolean;
  force?: boolean;
  disableEviction?: boolean;
}

export function formatDrainRun(run: DrainRun, format: string, color: boolean): string {
  const context = { rules: run.scan.rules, toolVersion: packageVersion(), color };
  if (format === 'json') {
    return `${JSON.stringify({ ...jsonReport(run.scan.result, context), drain: drainJson(run.prediction) }, null, 2)}\n`;
  }
  const findings = formatText(run.scan.result, context);
  return formatDrainText(run.prediction, color) + (findings.trim() === '' ? '' : `\n${findings}`);
}

export function registerDrain(program: Command, setExit: (code: number) => void): void {
  const command = program
    .command('drain')
    .description('what kubectl drain NODE would do, pod by pod, and whether the rest of the cluster can take the evicted pods')
    .argument('<node>', 'the node to drain')
    .argument('[paths...]', 'a dump (kubectl get nodes,pods,pdb,deploy,rs,sts,ds,jobs -A -o yaml), folders, globs, or - for stdin')
    .option('--ignore-daemonsets', 'as kubectl drain: leave DaemonSet pods on the node')
    .option('--delete-emptydir-data', 'as kubectl drain: delete pods with emptyDir volumes, and their data')
    .option('--force', 'as kubectl drain: delete pods that declare no controller (they are lost for good)')
    .option('--disable-eviction', 'as kubectl drain: delete instead of evicting, bypassing PodDisruptionBudgets');
  addInputOptions(command);
  command
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .option('-o, --output <file>', 'write the report to FILE instead of stdout')
    .addOption(new Option('--fail-on <severity>', 'lowest severity that makes the exit code 1').choices(['error', 'warning', 'info', 'never']));
  command.addHelpText('after', `
Examples:
  kubectl get nodes,pods,pdb,deploy,rs,sts,ds,jobs -A -o yaml > cluster.yaml
  kcheck drain node01 cluster.yaml
  kcheck drain node01 cluster.yaml --ignore-daemonsets --format json`);
  command.action(async (node: string, paths: string[], flags: DrainCliFlags) => {
    const drainFlags: DrainFlags = {
      ignoreDaemonsets: flags.ignoreDaemonsets === true,
      deleteEmptydirData: flags.deleteEmptydirData === true,
      force: flags.force === true,
      disableEviction: flags.disableEviction === true,
    };
    const run = await runDrain(node, requestFrom(paths, flags), drainFlags);
    const format = flags.format ?? 'text';
    const text = formatDrainRun(run, format, flags.output === undefined && format === 'text' && wantsColor(process.stdout));
    writeText(text, flags.output);
    setExit(run.scan.exitCode);
  });
}

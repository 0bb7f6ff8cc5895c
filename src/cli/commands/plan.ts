import { writeText } from '../output.js';
import { Option, type Command } from 'commander';
import { rules as allRules } from '../../../rules/index.js';
import { UsageError } from '../../engine/errors.js';
import { SEVERITY_RANK, type FailOn } from '../../engine/types.js';
import { formatPlanJson, formatPlanMarkdown, formatPlanText } from '../../report/plan.js';
import { planUpgrade, stepFindings, type UpgradePlan } from '../../simulate/plan.js';
import { loadConfig } from '../config-file.js';
import { parseTarget, scan, type Scan, type ScanRequest } from '../pipeline.js';
import { addInputOptions } from '../scan-options.js';
import { wantsColor } from '../terminal.js';
import { requestFrom, type ScanFlags } from './scan.js';

export interface PlanRun {
  scan: Scan;
  plan: UpgradePlan;
  exitCode: 0 | 1 | 2;
}

/** 2 when the input could not all be read; 1 when a step triggers a lasting finding at or above --fail-on. */
function planExitCode(plan: UpgradePlan, scan: Scan, failOn: FailOn, allowIncomplete: boolean): 0 | 1 | 2 {
  if (scan.result.gaps.length > 0 && !allowIncomplete) return 2;
  if (failOn === 'never') return 0;
  const threshold = SEVERITY_RANK[failOn];
  // States kubeadm's own procedure passes through and clears within the same minor do not fail the plan.
  return plan.steps.some((s) => stepFindings(s).some((f) => !f.lifetime.transient && SEVERITY_RANK[f.finding.severity] >= threshold)) ? 1 : 0;
}

/** Reads the inputs (files or a live cluster, as `scan` does) and plans the upgrade to the request's (or the config's) target. */
export async function runPlan(request: ScanRequest): Promise<PlanRun> {
  const config = loadConfig(request.config, allRules, request.cwd);
  const target = request.target !== undefined ? parseTarget(request.target, '--target') : parseTarget(config.target, `${config.file}: target`);
  if (!target) throw new UsageError('plan needs the version to upgrade to: --target X.Y (or target: in .kcheck.yaml)');
  const read = await scan(request);
  const plan = planUpgrade(read.model, target, read.config);
  return { scan: read, plan, exitCode: planExitCode(plan, read, read.failOn, request.allowIncomplete === true) };
}

export function formatPlanRun(run: PlanRun, format: string, color: boolean): string {
  if (format === 'json') return formatPlanJson(run.plan);
  if (format === 'markdown') return formatPlanMarkdown(run.plan);
  return formatPlanText(run.plan, color);
}

export function registerPlan(program: Command, setExit: (code: number) => void): void {
  const command = program
    .command('plan')
    .description('the ordered upgrade to --target, one minor at a time, with the findings each step would trigger')
    .argument('[paths...]', 'a dump (kubectl get nodes,pods,pdb,deploy,rs,sts,ds,jobs -A -o yaml), folders, globs, or - for stdin');
  addInputOptions(command);
  command
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json', 'markdown']).default('text'))
    .option('-o, --output <file>', 'write the plan to FILE instead of stdout')
    .addOption(new Option('--fail-on <severity>', 'lowest severity that makes the exit code 1').choices(['error', 'warning', 'info', 'never']));
  command.addHelpText('after', `
Examples:
  kcheck plan --target 1.33 cluster.yaml
  kcheck plan --target 1.33 cluster.yaml --root / --format markdown >> "$GITHUB_STEP_SUMMARY"`);
  command.action(async (paths: string[], flags: ScanFlags) => {
    const run = await runPlan(requestFrom(paths, flags));
    const format = flags.format ?? 'text';
    const text = formatPlanRun(run, format, flags.output === undefined && format === 'text' && wantsColor(process.stdout));
    writeText(text, flags.output);
    setExit(run.exitCode);
  });
}

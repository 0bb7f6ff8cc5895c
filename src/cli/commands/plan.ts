import { writeText } from '../output.js';
import { Option, type Command } from 'commander';
import { reachesFailOn } from '../../engine/run.js';
import type { FailOn } from '../../engine/types.js';
import { formatPlanJson, formatPlanMarkdown, formatPlanText } from '../../report/plan.js';
import { planUpgrade, stepFindings, type UpgradePlan } from '../../plan/plan.js';
import { scan, type Scan, type ScanRequest } from '../pipeline.js';
import { addInputOptions, failOnOption } from '../scan-options.js';
import { wantsColor } from '../terminal.js';
import { requestFrom, type ScanFlags } from './scan.js';
import { DUMP_COMMAND } from './drain.js';

export interface PlanRun {
  scan: Scan;
  plan: UpgradePlan;
  exitCode: 0 | 1 | 2;
}

/** 2 when the input could not all be read; 1 when a planned drain would stop or hang, or a step triggers a lasting finding at or above --fail-on. */
function planExitCode(plan: UpgradePlan, scan: Scan, failOn: FailOn, allowIncomplete: boolean): 0 | 1 | 2 {
  if (scan.result.gaps.length > 0 && !allowIncomplete) return 2;
  // A gate on the plan never passes a drain the plan itself says stops or hangs with the flags it prints.
  if (plan.steps.some((s) => s.drain && (s.drain.outcome === 'stops' || s.drain.outcome === 'hangs'))) return 1;
  // States kubeadm's own procedure passes through and clears within the same minor do not fail the plan.
  return plan.steps.some((s) => stepFindings(s).some((f) => !f.lifetime.transient && reachesFailOn(f.finding.severity, failOn))) ? 1 : 0;
}

/** Reads the inputs (files or a live cluster, as `scan` does) and plans the upgrade to the request's (or the config's) target. */
export async function runPlan(request: ScanRequest): Promise<PlanRun> {
  const read = await scan({ ...request, targetRequired: 'plan needs the version to upgrade to: --target X.Y (or target: in .kcheck.yaml)' });
  const plan = planUpgrade(read.model, read.model.target!, read.config, read.rules);
  return { scan: read, plan, exitCode: planExitCode(plan, read, read.failOn, request.allowIncomplete === true) };
}

function formatPlanRun(run: PlanRun, format: string, color: boolean): string {
  if (format === 'json') return formatPlanJson(run.plan);
  if (format === 'markdown') return formatPlanMarkdown(run.plan);
  return formatPlanText(run.plan, color);
}

export function registerPlan(program: Command, setExit: (code: number) => void): void {
  const command = program
    .command('plan')
    .description('the ordered upgrade to --target, one minor at a time, with the findings each step would trigger')
    .argument('[paths...]', `a dump (${DUMP_COMMAND.replace(' > cluster.yaml', '')}), folders, globs, or - for stdin`);
  addInputOptions(command);
  command
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json', 'markdown']).default('text'))
    .option('-o, --output <file>', 'write the plan to FILE instead of stdout')
    .addOption(failOnOption());
  command.addHelpText('after', `
Exit codes: 0 the plan can run; 1 a drain it plans would stop or hang with the flags it prints, or a step
leaves a finding at or above --fail-on; 2 the input could not all be read.

Examples:
  ${DUMP_COMMAND}
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

import * as core from '@actions/core';
import { renderReport, writeOutputFile } from '../cli/output.js';
import { scan, type Scan, type ScanRequest } from '../cli/pipeline.js';
import { reachesFailOn } from '../engine/run.js';
import { plural } from '../report/describe.js';
import { annotationText } from '../report/escape-workflow.js';
import { readInputs, type ActionInputs } from './inputs.js';
import { kubeconfigFile } from './kubeconfig.js';
import { couldNotCheck } from '../cli/could-not-check.js';
import { checkDrain, drainGate, type DrainGateResult } from './drain-gate.js';

/**
 * The scan the inputs ask for, as `kcheck scan` takes it: a live cluster when
 * a kubeconfig (its file, once written) or a context is given.
 */
export function scanRequest(inputs: ActionInputs, cwd: string, kubeconfig?: string): ScanRequest {
  const live = kubeconfig !== undefined || inputs.context !== undefined;
  return {
    paths: inputs.paths,
    ...(live
      ? { live: { ...(kubeconfig !== undefined ? { kubeconfig } : {}), ...(inputs.context !== undefined ? { contexts: [inputs.context] } : {}) } }
      : {}),
    ...(inputs.root !== undefined ? { root: inputs.root } : {}),
    ...(inputs.backups.length > 0 ? { backups: inputs.backups } : {}),
    ...(inputs.target !== undefined ? { target: inputs.target } : {}),
    ...(inputs.config !== undefined ? { config: inputs.config } : {}),
    ...(inputs.failOn !== undefined ? { failOn: inputs.failOn } : {}),
    cwd,
  };
}

/** Why the step fails, in one line. */
function failure(result: Scan): string {
  if (result.exitCode === 2) {
    const gaps = result.result.gaps.map((g) => `${g.what}: ${g.reason}`).join('; ');
    return `kcheck: the scan is incomplete, so it cannot say the cluster is ready: ${gaps}`;
  }

  const over = result.result.findings.filter((f) => !f.suppressed && reachesFailOn(f.severity, result.failOn)).length;
  return `kcheck: ${plural(over, 'finding')} at or above fail-on (${result.failOn}); the job summary lists them`;
}

function writeSarif(result: Scan, inputs: ActionInputs, cwd: string): string {
  const text = renderReport(result, { format: 'sarif', cwd, ...(inputs.category ? { sarifCategory: inputs.category } : {}) });
  writeOutputFile(inputs.sarifFile, text, { cwd, makeFolders: true });
  return inputs.sarifFile;
}

/** Both gates' codes as one: any 2 (could not tell) wins, then any 1. */
function worstCode(codes: number[]): number {
  return codes.includes(2) ? 2 : codes.includes(1) ? 1 : 0;
}

/**
 * The Action: the same scan as `kcheck scan`, then the SARIF file, the
 * annotations (`--format github`), the job summary (`--format markdown`) and
 * the outputs; with `drain`, also `kcheck drain` of those nodes on the same
 * input, gating on its predicted outcome. The step fails by the same exit
 * codes as the CLI, after everything is written, so an `if: always()` upload
 * still finds the SARIF.
 */
export async function run(): Promise<void> {
  const cwd = process.cwd();
  try {
    const inputs = readInputs((name) => core.getInput(name));
    const gate = drainGate(inputs);
    const kubeconfig = inputs.kubeconfig !== undefined ? kubeconfigFile(inputs.kubeconfig, cwd) : undefined;
    const problems: string[] = [];
    let result: Scan;
    let drain: DrainGateResult | undefined;
    try {
      const request = scanRequest(inputs, cwd, kubeconfig?.path);
      result = await scan(request);
      if (gate) {
        try {
          drain = await checkDrain(gate, request);
        } catch (error) {
          if (!couldNotCheck(error)) throw error;
          problems.push(`kcheck: drain: ${error.message}`);
        }
      }
    } finally {
      kubeconfig?.remove();
    }

    try {
      core.setOutput('sarif-file', writeSarif(result, inputs, cwd));
    } catch (error) {
      if (!couldNotCheck(error)) throw error;
      problems.push(`kcheck: ${error.message}`);
    }
    process.stdout.write(renderReport(result, { format: 'github', cwd }));
    // The runner gives each step its summary file (GITHUB_STEP_SUMMARY) and shows what the step appended to it.
    const summaryFile = process.env['GITHUB_STEP_SUMMARY'];
    if (summaryFile) {
      try {
        writeOutputFile(summaryFile, renderReport(result, { format: 'markdown', cwd }) + (drain ? `\n${drain.summary}` : ''), { cwd, append: true });
      } catch (error) {
        if (!couldNotCheck(error)) throw error;
        problems.push(`kcheck: job summary: ${error.message}`);
      }
    }
    const { error, warning, info } = result.result.summary;
    core.setOutput('findings', String(error + warning + info));
    core.setOutput('errors', String(error));
    core.setOutput('warnings', String(warning));
    if (gate) {
      // A drain that could not be predicted at all is, for a gate, unknown: exit 2.
      core.setOutput('drain-outcome', drain?.run.drain.outcome ?? 'unknown');
      core.setOutput('drain-exit-code', String(drain?.run.exitCode ?? 2));
    }

    const failures = [
      ...problems,
      ...(result.exitCode !== 0 ? [failure(result)] : []),
      ...(drain?.failure !== undefined ? [drain.failure] : []),
    ];
    if (failures.length > 0) {
      core.setFailed(annotationText(failures.join('\n')));
      process.exitCode = worstCode([problems.length > 0 ? 2 : 0, result.exitCode, drain?.run.exitCode ?? 0]);
    }
  } catch (error) {
    const message = couldNotCheck(error) ? `kcheck: ${error.message}` : `kcheck: internal error: ${(error as Error).stack ?? String(error)}`;
    core.setFailed(annotationText(message));
    process.exitCode = 2;
  }
}

import { Command, CommanderError } from 'commander';
import { terminalLines } from '../report/escape-terminal.js';
import { packageVersion } from '../sources/package-files.js';
import { registerDemo } from './commands/demo.js';
import { registerDrain } from './commands/drain.js';
import { registerPlan } from './commands/plan.js';
import { registerRules } from './commands/rules.js';
import { registerScan } from './commands/scan.js';
import { registerSnapshot } from './commands/snapshot.js';
import { couldNotCheck } from './could-not-check.js';
import { startProgress } from './progress.js';
import { quietWhenReaderCloses } from './terminal.js';

/** Runs kcheck with process.argv-style arguments and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  quietWhenReaderCloses();
  const endProgress = startProgress();
  try {
    return await runCommand(argv);
  } finally {
    endProgress();
  }
}

async function runCommand(argv: string[]): Promise<number> {
  let code = 0;
  const setExit = (c: number) => {
    code = c;
  };
  // Invoked as a kubectl plugin (kubectl kcheck ...) the binary is kubectl-kcheck.
  const name = /kubectl-kcheck/.test(argv[1] ?? '') ? 'kubectl kcheck' : 'kcheck';
  const program = new Command(name)
    .description('Before you drain, upgrade or restore: what will go wrong in your Kubernetes cluster.')
    .version(packageVersion(), '-v, --version')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(terminalLines(s)) });
  registerScan(program, setExit);
  registerDemo(program, setExit);
  registerDrain(program, setExit);
  registerPlan(program, setExit);
  registerRules(program);
  registerSnapshot(program, setExit);
  program.addHelpText('after', `
Examples:
  ${name} demo                                    the full pipeline on a bundled cluster
  ${name} scan cluster-dump.yaml --target 1.33    a kubectl get -o yaml dump
  ${name} scan --root / --backups /var/backups/etcd   on a control-plane node
  ${name} explain kubelet-version-skew

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 could not check.`);
  try {
    await program.parseAsync(argv);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    // Messages quote paths, config keys and file content: written so they cannot act on the terminal or the CI log.
    if (couldNotCheck(error)) {
      process.stderr.write(`kcheck: ${terminalLines(error.message)}\n`);
      return 2;
    }
    const err = error as Error;
    process.stderr.write(`kcheck: internal error: ${terminalLines(err.message)}\n`);
    if (process.env['KCHECK_DEBUG']) process.stderr.write(`${terminalLines(err.stack ?? '')}\n`);
    else process.stderr.write('kcheck: set KCHECK_DEBUG=1 to see where, and report it\n');
    return 2;
  }
}

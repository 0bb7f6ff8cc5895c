import type { Command } from 'commander';
import { formatNames } from '../../report/index.js';
import { scan, type ScanRequest } from '../pipeline.js';
import { writeReport, type OutputOptions } from '../output.js';
import { addInputOptions, addOutputOptions } from '../scan-options.js';

export interface ScanFlags extends OutputOptions {
  root?: string;
  target?: string;
  now?: string;
  config?: string;
  kubectlVersion?: string;
  kubeadmVersion?: string;
  backups?: string[];
  failOn?: string;
  allowIncomplete?: boolean;
}

export function requestFrom(paths: string[], flags: ScanFlags): ScanRequest {
  return {
    paths,
    ...(flags.root !== undefined ? { root: flags.root } : {}),
    ...(flags.target !== undefined ? { target: flags.target } : {}),
    ...(flags.now !== undefined ? { now: flags.now } : {}),
    ...(flags.config !== undefined ? { config: flags.config } : {}),
    ...(flags.kubectlVersion !== undefined ? { kubectlVersion: flags.kubectlVersion } : {}),
    ...(flags.kubeadmVersion !== undefined ? { kubeadmVersion: flags.kubeadmVersion } : {}),
    ...(flags.backups !== undefined ? { backups: flags.backups } : {}),
    ...(flags.failOn !== undefined ? { failOn: flags.failOn } : {}),
    ...(flags.allowIncomplete ? { allowIncomplete: true } : {}),
    ...(paths.includes('-') ? { stdin: process.stdin } : {}),
  };
}

export function registerScan(program: Command, setExit: (code: number) => void): void {
  const command = program
    .command('scan')
    .description('check manifests, dumps and a node\'s files for what will go wrong in an upgrade or maintenance')
    .argument('[paths...]', 'files, folders, globs, or - for stdin');
  addInputOptions(command);
  addOutputOptions(command, formatNames);
  command.addHelpText('after', `
Examples:
  kubectl get nodes,pods,pdb,deploy,rs,sts,ds -A -o yaml > cluster.yaml && kcheck scan cluster.yaml
  kcheck scan --root / --target 1.33                 on a control-plane node
  kcheck scan manifests/ --format sarif -o kcheck.sarif
  helm template ./chart | kcheck scan -`);
  command.action(async (paths: string[], flags: ScanFlags) => {
    const result = await scan(requestFrom(paths, flags));
    writeReport(result, flags);
    setExit(result.exitCode);
  });
}

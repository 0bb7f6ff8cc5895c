import type { Command } from 'commander';
import { formatNames } from '../../report/index.js';
import { scanClusters, type LiveRequest, type ScanRequest } from '../pipeline.js';
import { combinedExitCode, writeReport, type OutputOptions } from '../output.js';
import { UsageError } from '../../engine/errors.js';
import { parseDuration } from '../../model/duration.js';
import { addInputOptions, addOutputOptions, parseSize } from '../scan-options.js';
import { DUMP_COMMAND } from '../../predict/dump-command.js';

export interface ScanFlags extends OutputOptions {
  root?: string;
  target?: string;
  now?: string;
  config?: string;
  kubectlVersion?: string;
  kubeadmVersion?: string;
  backups?: string[];
  window?: string;
  failOn?: string;
  allowIncomplete?: boolean;
  live?: boolean;
  kubeconfig?: string;
  context?: string[];
  allContexts?: boolean;
  requestTimeout?: string;
  timeout?: string;
  maxResponseSize?: string;
  pageSize?: string;
  concurrency?: string;
}

function countFlag(flag: string, text: string | undefined, most: number): number | undefined {
  if (text === undefined) return undefined;
  const n = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > most) throw new UsageError(`${flag}: "${text}" is not a whole number from 1 to ${most}`);
  return n;
}

function durationFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === null || ms <= 0) throw new UsageError(`${flag}: "${text}" is not a duration (e.g. 30s, 5m)`);
  return ms;
}

/** The live part of a request: asked for with --live/--kubeconfig/--context/--all-contexts. */
function liveFrom(flags: ScanFlags): LiveRequest | undefined {
  const asked = flags.live || flags.kubeconfig !== undefined || flags.context !== undefined || flags.allContexts;
  const requestTimeoutMs = durationFlag('--request-timeout', flags.requestTimeout);
  const timeoutMs = durationFlag('--timeout', flags.timeout);
  const maxResponseBytes = flags.maxResponseSize === undefined ? undefined : parseSize(flags.maxResponseSize);
  if (maxResponseBytes === null || maxResponseBytes === 0) {
    throw new UsageError(`--max-response-size: "${flags.maxResponseSize}" is not a size (e.g. 512MiB, 1GiB)`);
  }
  // The API server caps a page at what it chooses anyway; past 10000 objects a page only costs memory.
  const pageSize = countFlag('--page-size', flags.pageSize, 10_000);
  const concurrency = countFlag('--concurrency', flags.concurrency, 32);
  if (!asked) return undefined;
  return {
    ...(flags.kubeconfig !== undefined ? { kubeconfig: flags.kubeconfig } : {}),
    ...(flags.context !== undefined ? { contexts: flags.context } : {}),
    ...(flags.allContexts ? { allContexts: true } : {}),
    ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(maxResponseBytes !== undefined ? { maxResponseBytes } : {}),
    ...(pageSize !== undefined ? { pageSize } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
  };
}

export function requestFrom(paths: string[], flags: ScanFlags): ScanRequest {
  const live = liveFrom(flags);
  return {
    paths,
    ...(live ? { live } : {}),
    ...(flags.root !== undefined ? { root: flags.root } : {}),
    ...(flags.target !== undefined ? { target: flags.target } : {}),
    ...(flags.now !== undefined ? { now: flags.now } : {}),
    ...(flags.config !== undefined ? { config: flags.config } : {}),
    ...(flags.kubectlVersion !== undefined ? { kubectlVersion: flags.kubectlVersion } : {}),
    ...(flags.kubeadmVersion !== undefined ? { kubeadmVersion: flags.kubeadmVersion } : {}),
    ...(flags.backups !== undefined ? { backups: flags.backups } : {}),
    ...(flags.window !== undefined ? { window: flags.window } : {}),
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
  ${DUMP_COMMAND}
  kcheck scan cluster.yaml
  kcheck scan                                        the cluster of the current kubeconfig context
  kcheck scan --context prod --context staging       several clusters at once
  kcheck scan --root / --target 1.33                 on a control-plane node
  kcheck scan manifests/ --format sarif -o kcheck.sarif
  helm template ./chart | kcheck scan -`);
  command.action(async (paths: string[], flags: ScanFlags) => {
    const scans = await scanClusters(requestFrom(paths, flags));
    writeReport(scans, flags);
    setExit(combinedExitCode(scans));
  });
}

import type { Readable } from 'node:stream';
import { rules as allRules } from '../../rules/index.js';
import type { Config } from '../engine/config.js';
import { UsageError } from '../engine/errors.js';
import { exitCode, run } from '../engine/run.js';
import type { FailOn, Rule, RunResult } from '../engine/types.js';
import { buildModel } from '../model/build.js';
import type { ClusterModel, DrainIntent } from '../model/types.js';
import { parseMinor, type Version } from '../model/version.js';
import { readPaths } from '../sources/manifests/index.js';
import { readRoot } from '../sources/root/index.js';
import { emptyInputs, mergeInputs, type Inputs } from '../sources/types.js';
import { loadConfig } from './config-file.js';

/** Everything a scan is asked to read and how to judge it; shared by the CLI commands and the Action. */
export interface ScanRequest {
  paths: string[];
  root?: string;
  /** Folders holding etcd snapshots. */
  backups?: string[];
  target?: string;
  now?: string;
  config?: string;
  kubectlVersion?: string;
  kubeadmVersion?: string;
  failOn?: string;
  allowIncomplete?: boolean;
  /** Cluster name to show for findings that are not about a file. */
  cluster?: string;
  /** `kcheck drain NODE`: the drain rules judge that drain only. */
  drain?: DrainIntent;
  stdin?: Readable;
  cwd?: string;
}

export interface Scan {
  config: Config;
  inputs: Inputs;
  model: ClusterModel;
  result: RunResult;
  failOn: FailOn;
  exitCode: 0 | 1 | 2;
  rules: Rule<any>[];
}

const FAIL_ON = ['error', 'warning', 'info', 'never'];

export function parseNow(text: string | undefined): Date {
  if (text === undefined) return new Date();
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime())) {
    throw new UsageError(`--now: "${text}" is not an ISO-8601 time (e.g. 2026-11-20T09:00:00Z)`);
  }
  return date;
}

export function parseTarget(text: string | undefined, from: string): Version | null {
  if (text === undefined) return null;
  const v = parseMinor(text);
  if (!v) throw new UsageError(`${from}: "${text}" is not a Kubernetes version (e.g. 1.33 or v1.33.2)`);
  return v;
}

export function parseFailOn(text: string | undefined, config: Config): FailOn {
  const value = text ?? config.failOn ?? 'error';
  if (!FAIL_ON.includes(value)) throw new UsageError(`--fail-on: "${value}" is not one of ${FAIL_ON.join(', ')}`);
  return value as FailOn;
}

/** Reads every input the request names. */
export async function collectInputs(request: ScanRequest): Promise<Inputs> {
  const inputs = emptyInputs();
  if (request.paths.length > 0) {
    mergeInputs(inputs, await readPaths(request.paths, request.stdin ? { stdin: request.stdin } : {}));
  }
  if (request.root !== undefined) mergeInputs(inputs, await readRoot(request.root));
  return inputs;
}

/** Judges what was read: model, rules, exit code. */
export function judge(inputs: Inputs, request: ScanRequest, config: Config, rules: Rule<any>[] = allRules): Scan {
  const failOn = parseFailOn(request.failOn, config);
  const target = request.target !== undefined
    ? parseTarget(request.target, '--target')
    : parseTarget(config.target, `${config.file}: target`);
  const model = buildModel(inputs, {
    now: parseNow(request.now),
    target,
    cluster: request.cluster ?? null,
    ...(request.kubectlVersion ? { kubectlVersion: request.kubectlVersion } : {}),
    ...(request.kubeadmVersion ? { kubeadmVersion: request.kubeadmVersion } : {}),
    ...(request.drain ? { drain: request.drain } : {}),
  });
  const result = run(model, rules, config);
  return { config, inputs, model, result, failOn, rules, exitCode: exitCode(result, failOn, request.allowIncomplete) };
}

export async function scan(request: ScanRequest): Promise<Scan> {
  const config = loadConfig(request.config, allRules, request.cwd);
  // Validate flags before reading anything large.
  parseFailOn(request.failOn, config);
  parseNow(request.now);
  if (request.target !== undefined) parseTarget(request.target, '--target');
  if (request.paths.length === 0 && request.root === undefined) {
    throw new UsageError('nothing to scan: give manifest paths, --root DIR, or - for stdin (kcheck demo shows a bundled cluster)');
  }
  const inputs = await collectInputs(request);
  return judge(inputs, request, config);
}

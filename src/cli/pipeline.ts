import { dirname, isAbsolute, join } from 'node:path';
import type { Readable } from 'node:stream';
import { rules as allRules } from '../../rules/index.js';
import type { Config } from '../engine/config.js';
import { UsageError } from '../engine/errors.js';
import { exitCode, run } from '../engine/run.js';
import { FAIL_ON_CHOICES, type FailOn, type Rule, type RunResult } from '../engine/types.js';
import { buildModel, DEFAULT_WINDOW } from '../model/build.js';
import { hostQuestions } from '../model/host-questions.js';
import type { ClusterModel, DrainIntent, MaintenanceWindow } from '../model/types.js';
import { parseDuration } from '../model/duration.js';
import { parseMinor, type Version } from '../model/version.js';
import { readPaths } from '../sources/manifests/index.js';
import { readRoot } from '../sources/root/index.js';
import { readHost } from '../sources/host/index.js';
import { readBackups } from '../sources/snapshot/backup-inputs.js';
import { listContexts, readLive, readLiveClusters, readVelero, type LiveOptions } from '../sources/live/index.js';
import { emptyInputs, mergeInputs, type Inputs } from '../sources/types.js';
import { loadConfig } from './config-file.js';

/** Everything a scan is asked to read and how to judge it; shared by the CLI commands and the Action. */
export interface ScanRequest {
  paths: string[];
  root?: string;
  /** Folders holding etcd snapshots and resource dumps. */
  backups?: string[];
  /** `--window`: how long the maintenance lasts (a duration such as 4h); default 24h. */
  window?: string;
  target?: string;
  now?: string;
  config?: string;
  kubectlVersion?: string;
  kubeadmVersion?: string;
  failOn?: string;
  allowIncomplete?: boolean;
  /** Cluster name to show for findings that are not about a file. */
  cluster?: string;
  /** Read a live cluster (also the default when no file input is given). */
  live?: LiveRequest;
  /** `kcheck drain NODE`: the drain rules judge that drain only. */
  drain?: DrainIntent;
  stdin?: Readable;
  cwd?: string;
  /** Refuse to start without a target (flag or config), with this message: `kcheck plan` needs one. */
  targetRequired?: string;
}

/** How the request asks to judge, parsed once at the edge into types, for the CLI and the Action alike. */
export interface Judging {
  failOn: FailOn;
  target: Version | null;
  now: Date;
  window: MaintenanceWindow;
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

/** Which clusters to read through the API, and how patiently. */
export interface LiveRequest {
  kubeconfig?: string;
  /** `--context`, repeatable; empty: the kubeconfig's current context. */
  contexts?: string[];
  allContexts?: boolean;
  requestTimeoutMs?: number;
  timeoutMs?: number;
  /** Largest API answer read (`--max-response-size`). */
  maxResponseBytes?: number;
  /** Objects per list page (`--page-size`). */
  pageSize?: number;
  /** Requests in flight at once per cluster (`--concurrency`). */
  concurrency?: number;
}


function parseNow(text: string | undefined): Date {
  if (text === undefined) return new Date();
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime())) {
    throw new UsageError(`--now: "${text}" is not an ISO-8601 time (e.g. 2026-11-20T09:00:00Z)`);
  }
  return date;
}

function parseTarget(text: string | undefined, from: string): Version | null {
  if (text === undefined) return null;
  const v = parseMinor(text);
  if (!v) throw new UsageError(`${from}: "${text}" is not a Kubernetes version (e.g. 1.33 or v1.33.2)`);
  return v;
}

function parseFailOn(text: string | undefined, config: Config): FailOn {
  const value = text ?? config.failOn ?? 'error';
  if (!(FAIL_ON_CHOICES as readonly string[]).includes(value)) throw new UsageError(`--fail-on: "${value}" is not one of ${FAIL_ON_CHOICES.join(', ')}`);
  return value as FailOn;
}

/** `--window 4h`: the maintenance window a backup must outlive. */
function parseWindow(text: string | undefined): MaintenanceWindow {
  if (text === undefined) return DEFAULT_WINDOW;
  const ms = parseDuration(text);
  if (ms === null || ms <= 0) throw new UsageError(`--window: "${text}" is not a duration (e.g. 4h, 90m, 2d)`);
  return { ms, text: text.trim() };
}

/** The request's flags over the config's settings, checked before anything large is read. */
function parseJudging(request: ScanRequest, config: Config): Judging {
  const judging = {
    failOn: parseFailOn(request.failOn, config),
    target: request.target !== undefined ? parseTarget(request.target, '--target') : parseTarget(config.target, `${config.file}: target`),
    now: parseNow(request.now),
    window: parseWindow(request.window),
  };
  if (request.targetRequired !== undefined && judging.target === null) throw new UsageError(request.targetRequired);
  return judging;
}

/** Reads every input the request names. */
async function collectInputs(request: ScanRequest): Promise<Inputs> {
  const inputs = emptyInputs();
  if (request.paths.length > 0) {
    mergeInputs(inputs, await readPaths(request.paths, request.stdin ? { stdin: request.stdin } : {}));
  }
  if (request.root !== undefined) {
    const fromRoot = await readRoot(request.root);
    mergeInputs(inputs, fromRoot);
    // The static pods say which host paths matter (etcd's data dir, TLS files); read them unless the root itself is unreadable.
    if (!fromRoot.gaps.some((g) => g.what === request.root)) mergeInputs(inputs, await readHost(request.root, hostQuestions(fromRoot.objects, fromRoot.etcdUnits)));
  }
  if (request.backups !== undefined && request.backups.length > 0) mergeInputs(inputs, await readBackups(request.backups));
  return inputs;
}

/** Adds the config's `backups:` folders (relative to the config file) to those given with --backups. */
function withConfigBackups(request: ScanRequest, config: Config): ScanRequest {
  if (config.backups.length === 0) return request;
  const base = config.file ? dirname(config.file) : '.';
  const fromConfig = config.backups.map((dir) => (isAbsolute(dir) ? dir : join(base, dir)));
  return { ...request, backups: [...(request.backups ?? []), ...fromConfig] };
}

/** Judges what was read: model, rules, exit code. */
export function judge(inputs: Inputs, request: ScanRequest, config: Config, rules: Rule<any>[] = allRules, judging = parseJudging(request, config)): Scan {
  const { failOn, target, now, window } = judging;
  const model = buildModel(inputs, {
    now,
    window,
    target,
    cluster: request.cluster ?? null,
    ...(request.kubectlVersion ? { kubectlVersion: request.kubectlVersion } : {}),
    ...(request.kubeadmVersion ? { kubeadmVersion: request.kubeadmVersion } : {}),
    ...(request.drain ? { drain: request.drain } : {}),
  });
  const result = run(model, rules, config);
  return { config, inputs, model, result, failOn, rules, exitCode: exitCode(result, failOn, request.allowIncomplete) };
}

function hasFileInputs(request: ScanRequest): boolean {
  return request.paths.length > 0 || request.root !== undefined || (request.backups?.length ?? 0) > 0;
}

function liveOptions(live: LiveRequest): LiveOptions {
  return {
    ...(live.kubeconfig !== undefined ? { kubeconfig: live.kubeconfig } : {}),
    ...(live.requestTimeoutMs !== undefined ? { requestTimeoutMs: live.requestTimeoutMs } : {}),
    ...(live.timeoutMs !== undefined ? { timeoutMs: live.timeoutMs } : {}),
    ...(live.maxResponseBytes !== undefined ? { maxResponseBytes: live.maxResponseBytes } : {}),
    ...(live.pageSize !== undefined ? { pageSize: live.pageSize } : {}),
    ...(live.concurrency !== undefined ? { concurrency: live.concurrency } : {}),
  };
}

/**
 * Reads and judges every cluster the request names: one Scan for files, or
 * one per live cluster (`--context a --context b`, `--all-contexts`), each
 * with the file inputs added.
 */
export async function scanClusters(asked: ScanRequest): Promise<Scan[]> {
  const config = loadConfig(asked.config, allRules, asked.cwd);
  const request = withConfigBackups(asked, config);
  const judging = parseJudging(request, config);
  const files = hasFileInputs(request) ? await collectInputs(request) : emptyInputs();
  if (request.live === undefined && hasFileInputs(request)) return [judge(files, request, config, allRules, judging)];

  const live = request.live ?? {};
  const options = liveOptions(live);
  const contexts = live.allContexts ? listContexts(options) : live.contexts ?? [];
  const clusters = contexts.length <= 1
    ? [await readLive({ ...options, ...(contexts[0] !== undefined ? { context: contexts[0] } : {}) })]
    : await readLiveClusters(contexts, options);
  // Velero's resources, where its CRDs are installed: read after the rest, one context at a time.
  for (const [i, inputs] of clusters.entries()) {
    const context = contexts.length <= 1 ? contexts[0] : contexts[i];
    mergeInputs(inputs, await readVelero({ ...options, ...(context !== undefined ? { context } : {}) }));
  }
  return clusters.map((inputs) => {
    const combined = mergeInputs(mergeInputs(emptyInputs(), files), inputs);
    return judge(combined, { ...request, cluster: inputs.scanned[0] ?? request.cluster }, config, allRules, judging);
  });
}

/** Reads and judges one cluster (commands such as drain and plan look at one cluster at a time). */
export async function scan(request: ScanRequest): Promise<Scan> {
  const scans = await scanClusters(request);
  if (scans.length !== 1) throw new UsageError('this command reads one cluster at a time: give a single --context');
  return scans[0]!;
}

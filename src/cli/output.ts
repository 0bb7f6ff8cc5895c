import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { formatNames, formatters, type FormatName, type ReportContext } from '../report/index.js';
import { severityFor } from '../engine/config.js';
import { UsageError } from '../engine/errors.js';
import { planUpgrade, type UpgradePlan } from '../simulate/plan.js';
import { packageVersion, readRuleDocs } from '../sources/package-files.js';
import type { Scan } from './pipeline.js';
import { combineResults } from '../report/combine.js';
import { sarifLog } from '../report/sarif.js';
import { wantsColor } from './terminal.js';

export interface OutputOptions {
  format?: string;
  output?: string;
  sarifAnchor?: string;
  sarifCategory?: string;
  cwd?: string;
}

export function checkFormat(format: string | undefined): FormatName {
  const name = format ?? 'text';
  if (!(formatNames as string[]).includes(name)) {
    throw new UsageError(`--format: "${name}" is not one of ${formatNames.join(', ')}`);
  }
  return name as FormatName;
}

/**
 * SARIF results about cluster objects need a repository file: --sarif-anchor,
 * else the config's sarifAnchor, else the config file, else the first input.
 */
function sarifAnchor(scan: Scan, options: OutputOptions, cwd: string): string | undefined {
  const candidate = options.sarifAnchor ?? scan.config.sarifAnchor ?? scan.config.file ?? scan.inputs.scanned.find((s) => s !== '<stdin>');
  return candidate === undefined ? undefined : relative(cwd, candidate) || candidate;
}

/**
 * The upgrade plan to the scan's target, for the reports that show it; none
 * without a target, or when no plan can be made (no kube-apiserver version
 * known, a target below the control plane): the findings say why.
 */
function plannedUpgrade(scan: Scan): { plan?: UpgradePlan } {
  const target = scan.model.target;
  if (!target) return {};
  try {
    return { plan: planUpgrade(scan.model, target, scan.config, scan.rules) };
  } catch (error) {
    if (error instanceof UsageError) return {};
    throw error;
  }
}

export function reportContext(scan: Scan, options: OutputOptions, color: boolean): ReportContext {
  const cwd = options.cwd ?? process.cwd();
  const format = checkFormat(options.format);
  const anchor = sarifAnchor(scan, options, cwd);
  return {
    rules: scan.rules,
    ...(format === 'sarif' ? { ruleDocs: readRuleDocs(scan.rules.map((r) => r.id)) } : {}),
    toolVersion: packageVersion(),
    color,
    ...(anchor ? { sarifAnchor: anchor } : {}),
    ...(options.sarifCategory ? { sarifCategory: options.sarifCategory } : {}),
    enabledRules: scan.rules.filter((rule) => severityFor(rule, scan.config) !== 'off').map((rule) => rule.id),
    ...(format === 'html' ? { model: scan.model } : {}),
    ...(format === 'html' || format === 'markdown' ? plannedUpgrade(scan) : {}),
    cwd,
  };
}

/**
 * The report of one scan, or of several clusters scanned at once: SARIF gets
 * one run per cluster (each with its own automationDetails.id), the other
 * formats one document with every finding tagged by its cluster.
 */
export function renderReport(scan: Scan | Scan[], options: OutputOptions, color = false): string {
  const scans = Array.isArray(scan) ? scan : [scan];
  const format = checkFormat(options.format);
  const first = scans[0]!;
  if (scans.length === 1) return formatters[format](first.result, reportContext(first, options, color));
  if (format === 'sarif') {
    const logs = scans.map((s) => sarifLog(s.result, reportContext(s, options, color)));
    return `${JSON.stringify({ ...logs[0], runs: logs.flatMap((l) => l.runs) }, null, 2)}\n`;
  }
  return formatters[format](combineResults(scans.map((s) => s.result)), reportContext(first, options, color));
}

/** 2 when any cluster could not be checked, else 1 when any has findings over the threshold. */
export function combinedExitCode(scans: Scan[]): 0 | 1 | 2 {
  const codes = scans.map((s) => s.exitCode);
  return codes.includes(2) ? 2 : codes.includes(1) ? 1 : 0;
}

/** Formats the scan(s) and writes the report to --output or stdout. */
export function writeReport(scan: Scan | Scan[], options: OutputOptions): void {
  const format = checkFormat(options.format);
  const color = options.output === undefined && format === 'text' && wantsColor(process.stdout);
  writeText(renderReport(scan, options, color), options.output);
}

/** Writes a command's output to --output FILE, or to stdout; a report always ends with a newline. */
export function writeText(text: string, output: string | undefined): void {
  const ended = text === '' || text.endsWith('\n') ? text : `${text}\n`;
  if (output === undefined) {
    process.stdout.write(ended);
    return;
  }
  try {
    writeFileSync(output, ended);
  } catch (error) {
    throw new UsageError(`cannot write ${output}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

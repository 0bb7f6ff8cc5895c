import { closeSync, constants, lstatSync, mkdirSync, openSync, readlinkSync, writeFileSync } from 'node:fs';
import path, { relative } from 'node:path';
import { formatNames, formatters, type FormatName, type ReportContext } from '../report/index.js';
import { severityFor } from '../engine/config.js';
import { UsageError } from '../engine/errors.js';
import { planUpgrade, type UpgradePlan } from '../plan/plan.js';
import { packageVersion, readRuleDocs } from '../sources/package-files.js';
import type { Scan } from './pipeline.js';
import { combineResults } from '../report/combine.js';
import { jsonText } from '../report/escape-json.js';
import { sarifLog } from '../report/sarif.js';
import { wantsColor } from './terminal.js';
import { couldNotCheck } from './could-not-check.js';
import { backupsView } from '../views/backups.js';
import { drainReadiness } from '../views/drain-readiness.js';
import { skewPicture } from '../views/skew-picture.js';

export interface OutputOptions {
  format?: string;
  output?: string;
  sarifAnchor?: string;
  sarifCategory?: string;
  cwd?: string;
}

function checkFormat(format: string | undefined): FormatName {
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
 * without a target. When no plan can be made (no kube-apiserver version
 * known, a target below the control plane) the report says why.
 */
function plannedUpgrade(scan: Scan): { plan?: UpgradePlan; planNotMade?: string } {
  const target = scan.model.target;
  if (!target) return {};
  try {
    return { plan: planUpgrade(scan.model, target, scan.config, scan.rules) };
  } catch (error) {
    if (couldNotCheck(error)) return { planNotMade: error.message };
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
    ...(format === 'html' ? { skew: skewPicture(scan.model), drainReadiness: drainReadiness(scan.result.findings, scan.rules, scan.model) } : {}),
    ...(format === 'html' || format === 'markdown' ? { backups: backupsView(scan.result.findings, scan.rules, scan.model), ...plannedUpgrade(scan) } : {}),
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
    return `${jsonText({ ...logs[0], runs: logs.flatMap((l) => l.runs) })}\n`;
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
  writeOutputFile(output, ended);
}

export interface OutputFileOptions {
  /** Where relative paths start, and below which no directory on the way may be a link; default the working directory. */
  cwd?: string;
  /** Add to the end of the file (a job summary) instead of replacing it. */
  append?: boolean;
  /** Create the folders on the way. */
  makeFolders?: boolean;
}

/** The first symbolic link met on the way to `file`: each folder below `cwd`, and the file itself. */
function linkOnTheWay(absolute: string, cwd: string): string | null {
  const inside = path.relative(cwd, absolute);
  const below = inside !== '' && inside !== '..' && !inside.startsWith(`..${path.sep}`) && !path.isAbsolute(inside);
  const steps = below ? inside.split(path.sep).map((_, i, parts) => path.join(cwd, ...parts.slice(0, i + 1))) : [absolute];
  for (const step of steps) {
    let info;
    try {
      info = lstatSync(step);
    } catch {
      return null;
    }
    if (info.isSymbolicLink()) return step;
  }
  return null;
}

function linkError(shown: string, link: string, cwd: string): UsageError {
  let target = '';
  try {
    target = ` (to ${readlinkSync(link)})`;
  } catch {
    // Gone since: the message still names the link.
  }
  const where = path.relative(cwd, link) || link;
  return new UsageError(
    `cannot write ${shown}: ${where} is a symbolic link${target}, and kcheck never writes through a link it did not make; remove the link or choose another path`,
  );
}

/**
 * Writes a report file without following symbolic links: a repository can
 * commit a link (`kcheck.sarif -> ~/.bashrc`), and a workflow that checks it
 * out and runs kcheck would otherwise overwrite whatever the link points at.
 * Each folder below the working directory and the file itself are checked,
 * and the file is opened with O_NOFOLLOW, so a link put there after the check
 * is refused too (open(2): ELOOP). Paths under /dev (/dev/stdout, /dev/null)
 * are the system's own links and are written as given.
 */
export function writeOutputFile(file: string, text: string, options: OutputFileOptions = {}): void {
  const cwd = options.cwd ?? process.cwd();
  const absolute = path.resolve(cwd, file);
  const fail = (error: unknown): UsageError =>
    new UsageError(`cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  const system = absolute.startsWith('/dev/');
  if (!system) {
    const link = linkOnTheWay(absolute, cwd);
    if (link) throw linkError(file, link, cwd);
  }
  let fd: number;
  try {
    if (options.makeFolders) mkdirSync(path.dirname(absolute), { recursive: true });
    const how = constants.O_WRONLY | constants.O_CREAT | (options.append ? constants.O_APPEND : constants.O_TRUNC) | (system ? 0 : constants.O_NOFOLLOW);
    fd = openSync(absolute, how, 0o666);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw linkError(file, absolute, cwd);
    throw fail(error);
  }
  try {
    writeFileSync(fd, text);
  } catch (error) {
    throw fail(error);
  } finally {
    closeSync(fd);
  }
}

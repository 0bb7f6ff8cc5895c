import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { UsageError } from '../../src/engine/errors.js';
import { formatNames, type FormatName } from '../../src/report/index.js';
import { scanClusters, type Scan, type ScanRequest } from '../../src/cli/pipeline.js';
import { combinedExitCode, renderReport } from '../../src/cli/output.js';
import type { Provenance } from '../../src/sources/types.js';
import { repoRoot } from './corpus.js';
import { expectedDocuments } from './oracle.js';

/**
 * Runs one scan the way `kcheck scan` does (in this process, for speed, or
 * as a child process, to see exactly what a user sees) and checks the
 * promises every run keeps, whatever the input.
 */

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  /** The scans, when the run got that far in this process. */
  scans?: Scan[];
  /** An exception `kcheck` would print as "internal error". */
  crash?: { message: string; where: string; stack: string };
}

export interface Violation {
  kind:
    | 'exit-code'
    | 'crash'
    | 'stack-trace'
    | 'internal-error'
    | 'js-error-message'
    | 'unnamed-problem'
    | 'lost-input'
    | 'missed-parse-error'
    | 'false-parse-error'
    | 'encoding'
    | 'cli-differs';
  detail: string;
  /** What tells one defect from another (no file names, no values): how failures are grouped. */
  key: string;
  /** Where an exception was thrown (src file:line), for crashes. */
  where?: string;
}

/** One manifest file the scan reads, with the bytes it holds, to account for its documents. */
export interface ManifestInput {
  path: string;
  bytes: Buffer;
}

function valueOf(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

const VALUED = new Set(['--root', '--backups', '--target', '--now', '--config', '--kubectl-version', '--kubeadm-version', '--fail-on', '--format', '--window']);

/** The request `kcheck scan ARGS` makes (the fuzzer writes only these flags). */
function requestOf(args: string[], cwd: string): { request: ScanRequest; format: FormatName } {
  const paths: string[] = [];
  const backups: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i]!;
    if (VALUED.has(a)) {
      if (a === '--backups') backups.push(args[i + 1]!);
      i += 1;
    } else if (!a.startsWith('--')) paths.push(a);
  }
  const request: ScanRequest = { paths, cwd };
  const set = <K extends keyof ScanRequest>(key: K, value: ScanRequest[K] | undefined) => {
    if (value !== undefined) request[key] = value;
  };
  set('root', valueOf(args, '--root'));
  if (backups.length > 0) request.backups = backups;
  set('target', valueOf(args, '--target'));
  set('now', valueOf(args, '--now'));
  set('config', valueOf(args, '--config'));
  set('kubectlVersion', valueOf(args, '--kubectl-version'));
  set('kubeadmVersion', valueOf(args, '--kubeadm-version'));
  set('failOn', valueOf(args, '--fail-on'));
  set('window', valueOf(args, '--window'));
  if (args.includes('--allow-incomplete')) request.allowIncomplete = true;
  const format = (valueOf(args, '--format') ?? 'text') as FormatName;
  if (!formatNames.includes(format)) throw new Error(`unknown format ${format}`);
  return { request, format };
}

/** The first frame of kcheck's own code in a stack, as `src/file.ts:line`. */
export function whereThrown(stack: string, root = repoRoot()): string {
  let first: string | undefined;
  for (const line of stack.split('\n')) {
    const m = /\(?((?:file:\/\/)?\/[^():]+\.(?:ts|js)):(\d+):(\d+)\)?$/.exec(line.trim());
    if (!m) continue;
    const file = relative(root, m[1]!.replace(/^file:\/\//, '')).replace(/^build\//, '');
    if (file.startsWith('src/') || file.startsWith('rules/')) return `${file}:${m[2]}`;
    first ??= `${file}:${m[2]}`;
  }
  return first === undefined ? '(no frame)' : `${first} (no kcheck frame in the stack)`;
}

type Write = typeof process.stdout.write;

/** `kcheck scan ARGS` in this process: the same pipeline and error handling as src/cli/main.ts. */
export async function scanInProcess(args: string[], cwd: string): Promise<Outcome> {
  const { request, format } = requestOf(args, cwd);
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write;
  const err = process.stderr.write;
  const emitWarning = process.emitWarning;
  const stackTraceLimit = Error.stackTraceLimit;
  // Deep enough to get past a parser's recursion to kcheck's own frame.
  Error.stackTraceLimit = 2000;
  // Node prints warnings later, from the event loop; printed here, they belong to this run.
  process.emitWarning = ((warning: string | Error) => {
    stderr += `(node) Warning: ${typeof warning === 'string' ? warning : warning.message}\n`;
  }) as typeof process.emitWarning;
  // Whatever the pipeline writes itself (warnings, progress) is part of what a user sees.
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as Write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as Write;
  try {
    const scans = await scanClusters(request);
    let report = renderReport(scans, { format, cwd });
    if (format !== 'text') report += renderReport(scans, { format: 'text', cwd });
    stdout += report.endsWith('\n') || report === '' ? report : `${report}\n`;
    return { code: combinedExitCode(scans), stdout, stderr, scans };
  } catch (error) {
    if (error instanceof UsageError) return { code: 2, stdout, stderr: `${stderr}kcheck: ${error.message}\n` };
    const e = error instanceof Error ? error : new Error(String(error));
    const stack = e.stack ?? '';
    return {
      code: 2,
      stdout,
      stderr: `${stderr}kcheck: internal error: ${e.message}\n`,
      crash: { message: `${e.name}: ${e.message}`, where: whereThrown(stack), stack },
    };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.emitWarning = emitWarning;
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/** `kcheck scan ARGS` as a child process, run from `cwd`. */
export function scanCli(args: string[], cwd: string): Outcome {
  const result = spawnSync(process.execPath, [join(repoRoot(), 'bin', 'kcheck.js'), 'scan', ...args], {
    encoding: 'utf8',
    input: '',
    cwd,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, KCHECK_DEBUG: undefined },
    maxBuffer: 256 * 1024 * 1024,
    timeout: 120_000,
  });
  return { code: result.status ?? (result.signal ? 128 : -1), stdout: result.stdout ?? '', stderr: `${result.stderr ?? ''}${result.error ? `spawn: ${result.error.message}` : ''}` };
}

const STACK_FRAME = /^\s+at (?:.+ \()?(?:file:\/\/|node:|\/|<anonymous>|native)/m;
const NODE_ERROR = /(?:^|\n)\s*(?:Uncaught )?(?:[A-Z][A-Za-z]*)?Error(?: \[[A-Z_]+\])?: /;
// What JavaScript says when kcheck's code met a value it did not expect.
const RUNTIME_MESSAGE =
  /Maximum call stack size exceeded|Cannot read propert(?:y|ies) of|is not a function|is not iterable|Cannot use 'in' operator|Cannot convert (?:undefined|null|a Symbol|object)|Invalid (?:array|string) length|Cannot create property|Cannot set propert|undefined is not|null is not an object|Invalid time value|Do not know how to serialize a BigInt|Converting circular structure|out of memory|\bat Object\.|\[object Object\]/;

function leaks(where: string, text: string): Violation[] {
  const found: Violation[] = [];
  const frame = STACK_FRAME.exec(text);
  if (frame) found.push({ kind: 'stack-trace', detail: `${where}: ${excerpt(text, frame.index)}`, key: where });
  const nodeError = NODE_ERROR.exec(text);
  if (nodeError) found.push({ kind: 'stack-trace', detail: `${where}: ${excerpt(text, nodeError.index)}`, key: `${where} ${nodeError[0].trim()}` });
  const internal = /internal error: ([^\n]*)/i.exec(text);
  if (internal) found.push({ kind: 'internal-error', detail: `${where}: ${excerpt(text, internal.index)}`, key: shape(internal[1]!) });
  const runtime = RUNTIME_MESSAGE.exec(text);
  if (runtime) found.push({ kind: 'js-error-message', detail: `${where}: ${excerpt(text, runtime.index)}`, key: `${where.replace(/^(?:in-process|cli) /, '')}: ${runtime[0]}` });
  return found;
}

/** A message without its values: quoted text, numbers and paths replaced. */
function shape(message: string): string {
  return message
    .replace(/\/[^\s:'"]+/g, 'PATH')
    .replace(/'[^']*'|"[^"]*"/g, 'S')
    .replace(/ in .*$/, ' in X')
    .replace(/\d+/g, 'N')
    .slice(0, 120);
}

/** The line around `at`, at most 120 characters either side. */
function excerpt(text: string, at: number): string {
  const start = Math.max(text.lastIndexOf('\n', at) + 1, at - 120);
  const end = text.indexOf('\n', at);
  return text.slice(start, Math.min(end === -1 ? text.length : end, at + 120)).trim();
}

/** Properties of what any run printed, in this process or as a child. */
export function checkOutput(outcome: Outcome, workdir: string, label: string): Violation[] {
  const violations: Violation[] = [];
  if (![0, 1, 2].includes(outcome.code)) violations.push({ kind: 'exit-code', detail: `${label}: exit ${outcome.code}; stderr: ${outcome.stderr.slice(0, 300)}`, key: String(outcome.code) });
  violations.push(...leaks(`${label} stderr`, outcome.stderr), ...leaks(`${label} stdout`, outcome.stdout));
  // A message is a line and the indented lines under it (`invalid configuration` and its list).
  const messages: string[] = [];
  for (const line of outcome.stderr.split('\n')) {
    if (line.trim() === '') continue;
    if (/^\s/.test(line) && messages.length > 0) messages[messages.length - 1] += `\n${line}`;
    else messages.push(line);
  }
  for (const message of messages) {
    if (/internal error|KCHECK_DEBUG/.test(message)) continue;
    if (!message.includes(workdir)) violations.push({ kind: 'unnamed-problem', detail: `${label} stderr names no input: ${message.slice(0, 300)}`, key: `stderr: ${shape(message)}` });
  }
  return violations;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refKey(kind: unknown, namespace: unknown, name: unknown): string {
  return `${String(kind)}/${String(namespace ?? '')}/${String(name)}`;
}

/**
 * Properties of the scans themselves: every problem names its file, every
 * document of every manifest file is accounted for, a file that does not
 * parse never passes, nothing says what JavaScript says.
 */
export function checkScans(outcome: Outcome, workdir: string, manifests: ManifestInput[], allowIncomplete: boolean): Violation[] {
  const violations: Violation[] = [];
  if (outcome.crash) violations.push({ kind: 'crash', detail: outcome.crash.message, where: outcome.crash.where, key: `${outcome.crash.where} ${shape(outcome.crash.message)}` });
  const scans = outcome.scans;
  if (!scans) return violations;
  const fromFiles = new Set<string>();
  for (const scan of scans) {
    for (const raw of scan.inputs.objects) {
      const meta = isRecord(raw.object.metadata) ? raw.object.metadata : {};
      if (raw.provenance.type === 'file') fromFiles.add(refKey(raw.object.kind, meta.namespace, meta.name));
    }
    for (const finding of scan.result.findings) {
      const said = `${finding.ruleId}: ${finding.message}`;
      violations.push(...leaks('finding', said));
      if (finding.location) {
        if (!finding.location.file.includes(workdir)) violations.push({ kind: 'unnamed-problem', detail: `finding at ${finding.location.file}, not an input: ${said.slice(0, 200)}`, key: `finding outside the inputs: ${finding.ruleId}` });
      } else if (finding.ruleId === 'parse-error') {
        violations.push({ kind: 'unnamed-problem', detail: `parse error without a file: ${said.slice(0, 200)}`, key: 'parse error without a file' });
      } else if (finding.object && fromFiles.has(refKey(finding.object.kind, finding.object.namespace, finding.object.name))) {
        violations.push({ kind: 'unnamed-problem', detail: `finding about ${finding.object.kind} ${finding.object.name} (read from a file) has no file: ${said.slice(0, 200)}`, key: `finding without its file: ${finding.ruleId}` });
      }
    }
    for (const gap of scan.inputs.gaps) {
      violations.push(...leaks('gap', `${gap.what}: ${gap.reason}`));
      if (!gap.what.includes(workdir)) violations.push({ kind: 'unnamed-problem', detail: `gap names no input: ${gap.what}: ${gap.reason}`, key: `gap: ${shape(gap.reason)}` });
    }
    for (const p of scan.inputs.problems) violations.push(...leaks('problem', p.message));
    for (const s of scan.inputs.skipped) violations.push(...leaks('skipped', s.reason));
  }

  const inputs = scans[0]!.inputs;
  for (const file of manifests) {
    const expected = expectedDocuments(file.bytes);
    const at = (p: { provenance: Provenance }) => p.provenance.type === 'file' && p.provenance.file === file.path;
    const objects = inputs.objects.filter(at).length;
    const versions = inputs.versionReports.filter(at).length;
    const problems = inputs.problems.filter(at);
    const skipped = inputs.skipped.filter(at).length;
    const name = relative(workdir, file.path) || file.path;
    const gapFor = inputs.gaps.find((g) => g.what === file.path);
    if (gapFor) {
      // The fuzzer wrote this file: small, regular, readable. "Cannot read" it means what followed the trouble was dropped.
      violations.push({ kind: 'lost-input', detail: `${name}: a readable file of ${file.bytes.length} bytes reported as a gap ("${gapFor.reason.slice(0, 200)}"; exit ${outcome.code})`, key: `gap: ${shape(gapFor.reason)}` });
      continue;
    }
    if (expected.invalid) {
      if (problems.length === 0) {
        violations.push({
          kind: 'missed-parse-error',
          detail: `${name} (${expected.format}, ${expected.encoding}) does not parse (line ${expected.invalid.line}: ${expected.invalid.message.slice(0, 120)}) but kcheck reports no problem in it (${objects} objects, ${skipped} skipped; exit ${outcome.code})`,
          key: `${expected.format} ${expected.encoding}${skippedAs(inputs.skipped.filter(at))}`,
        });
      } else if (outcome.code === 0) {
        violations.push({ kind: 'missed-parse-error', detail: `${name} does not parse, yet exit 0`, key: 'exit 0' });
      }
      continue;
    }
    // A text file (UTF-16 included) skipped as binary is a file not read.
    const binary = expected.format !== 'binary' ? inputs.skipped.filter(at).find((k) => /binary/i.test(k.reason)) : undefined;
    if (binary) {
      violations.push({ kind: 'lost-input', detail: `${name} (${expected.format}, ${expected.encoding}, ${expected.units} documents or list items) skipped: ${binary.reason}`, key: `${expected.format} ${expected.encoding} skipped as binary` });
      continue;
    }
    const accounted = objects + versions + problems.length + skipped;
    if (accounted < expected.units) {
      violations.push({
        kind: 'lost-input',
        detail: `${name} (${expected.format}, ${expected.encoding}) holds ${expected.units} documents or list items; kcheck accounts for ${accounted} (${objects} objects, ${versions} version reports, ${problems.length} problems, ${skipped} skipped; exit ${outcome.code})`,
        key: `${expected.format} ${expected.encoding}${skippedAs(inputs.skipped.filter(at))}`,
      });
    }
    if (expected.format === 'yaml') {
      const bogus = problems.find((p) => p.message.startsWith('invalid YAML'));
      if (bogus) violations.push({ kind: 'false-parse-error', detail: `${name}:${bogus.provenance.line}: the yaml package reads this file, kcheck says "${bogus.message.slice(0, 200)}"`, key: shape(bogus.message) });
    }
  }
  return violations;
}

/** The first skip reason, for telling a binary-file skip from others. */
function skippedAs(skipped: { reason: string }[]): string {
  return skipped.length > 0 ? ` (skipped: ${shape(skipped[0]!.reason)})` : '';
}

/** What must not change when a file is only re-encoded: exit code, findings by rule and line, documents read. */
export function readingOf(outcome: Outcome, file: string): string {
  if (!outcome.scans) return `exit ${outcome.code}: ${outcome.stderr.trim()}`;
  const inputs = outcome.scans[0]!.inputs;
  const at = (p: { provenance: Provenance }) => p.provenance.type === 'file' && p.provenance.file === file;
  const findings = outcome.scans
    .flatMap((s) => s.result.findings)
    .filter((f) => f.location?.file === file)
    .map((f) => `${f.ruleId}@${f.location!.line}`)
    .sort();
  return [
    `exit ${outcome.code}`,
    `${inputs.objects.filter(at).length} objects, ${inputs.problems.filter(at).length} problems, ${inputs.skipped.filter(at).length} skipped`,
    `findings ${findings.join(' ')}`,
  ].join('; ');
}

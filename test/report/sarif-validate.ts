import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import AjvDraft04, { type ValidateFunction } from 'ajv-draft-04';
import type * as Sarif from 'sarif';

const require = createRequire(import.meta.url);

// A CommonJS module: under NodeNext its class is the `default` of the default import.
const Ajv = AjvDraft04.default;

/**
 * GitHub code scanning rejects runs with more results than this (its "maximum
 * value"; it displays the 5,000 most severe).
 * https://docs.github.com/en/code-security/code-scanning/troubleshooting-sarif-uploads/results-exceed-limit
 */
const GITHUB_MAX_RESULTS = 25_000;

export interface SarifValidation {
  /** Warnings and notes from `sarif-multitool validate`, as `path: message` lines. */
  warnings: string[];
}

let schemaValidator: ValidateFunction | undefined;

/**
 * The SARIF 2.1.0 schema as shipped by the multitool's platform package
 * (the same npm release as the validator). The OASIS schema is draft-04; this
 * copy is labelled 2020-12 but uses only draft-04 keywords, so it is compiled
 * as draft-04, as its authors wrote it.
 */
function sarifSchema(): ValidateFunction {
  if (schemaValidator) return schemaValidator;
  const file = require.resolve(`@microsoft/sarif-multitool-${process.platform}/sarif-2.1.0.json`);
  const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  schema.$schema = 'http://json-schema.org/draft-04/schema#';
  // The schema's patterns are ECMAScript regexes written without the `u` flag.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  ajv.addFormat('uri-reference', (value: string) => /^(?:[\w\-.~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/.test(value));
  ajv.addFormat('uuid', (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value));
  ajv.addFormat('date-time', (value: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(value));
  const validate = ajv.compile(schema);
  schemaValidator = validate;
  return validate;
}

function schemaProblems(doc: unknown): string[] {
  const validate = sarifSchema();
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e) => `schema: ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** What GitHub's upload checks and the schema does not. */
function gitHubProblems(log: Sarif.Log): string[] {
  const problems: string[] = [];
  (log.runs ?? []).forEach((run, r) => {
    const results = run.results ?? [];
    if (results.length > GITHUB_MAX_RESULTS) problems.push(`runs[${r}]: ${results.length} results; GitHub takes at most ${GITHUB_MAX_RESULTS}`);
    const id = run.automationDetails?.id;
    if (id !== undefined && !id.endsWith('/')) problems.push(`runs[${r}].automationDetails.id "${id}" does not end with "/"`);
    const rules = run.tool.driver.rules ?? [];
    rules.forEach((rule, i) => {
      if (!rule.help?.markdown) problems.push(`runs[${r}].tool.driver.rules[${i}] (${rule.id}) has no help.markdown`);
      if (rule.properties && 'security-severity' in rule.properties) {
        problems.push(`runs[${r}].tool.driver.rules[${i}] (${rule.id}) has a security-severity`);
      }
    });
    results.forEach((result, i) => {
      const where = `runs[${r}].results[${i}] (${result.ruleId ?? '?'})`;
      const physical = result.locations?.[0]?.physicalLocation;
      if (!physical?.artifactLocation?.uri) problems.push(`${where} has no physical location with a uri`);
      const region = physical?.region;
      if (!region || region.startLine === undefined || region.startLine < 1) problems.push(`${where} has no region.startLine >= 1`);
      if (
        region?.endColumn !== undefined &&
        (region.endLine === undefined || region.endLine === region.startLine) &&
        region.endColumn < (region.startColumn ?? 1)
      ) {
        problems.push(`${where} has endColumn ${region.endColumn} before startColumn ${region.startColumn ?? 1}`);
      }
      if (result.ruleIndex !== undefined && rules[result.ruleIndex]?.id !== result.ruleId) {
        problems.push(`${where} has ruleIndex ${result.ruleIndex}, which is not rule ${result.ruleId}`);
      }
    });
  });
  return problems;
}

interface MultitoolMessage {
  text?: string;
  id?: string;
  arguments?: string[];
}

/** The multitool writes `{id, arguments}` messages whose templates are in its rules' messageStrings. */
function messageText(message: MultitoolMessage | undefined, rule: Sarif.ReportingDescriptor | undefined): string {
  if (message?.text) return message.text;
  const template = (message?.id && rule?.messageStrings?.[message.id]?.text) || message?.id || '';
  return template.replace(/\{(\d+)\}/g, (_, n: string) => message?.arguments?.[Number(n)] ?? '');
}

/** The native multitool; its package makes it executable in an install script, which npm may be told to skip. */
function multitoolExecutable(): string {
  const file = require('@microsoft/sarif-multitool') as string;
  try {
    accessSync(file, constants.X_OK);
  } catch {
    chmodSync(file, 0o755);
  }
  return file;
}

interface MultitoolVerdict {
  errors: string[];
  warnings: string[];
}

/**
 * `sarif-multitool validate --rule-kind "Sarif;Ghas"`: the SARIF rules plus
 * GitHub Advanced Security's ingestion rules, on every text in one run (each
 * run costs seconds: the multitool looks up the rules' help URIs). It exits 0
 * even when it reports errors, so its output log is read instead; each result
 * names the input it is about. A problem that names no input counts against
 * every one.
 */
function multitool(texts: string[]): MultitoolVerdict[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'kcheck-sarif-'));
  try {
    const inputs = texts.map((text, i) => {
      const input = path.join(dir, `input-${i}.sarif`);
      writeFileSync(input, text);
      return input;
    });
    const output = path.join(dir, 'validation.sarif');
    const executable = multitoolExecutable();
    // Without a size limit of its own the multitool skips files over 1 MB as "no valid analysis targets".
    const sizeKb = String(Math.max(...texts.map((text) => Math.ceil(Buffer.byteLength(text) / 1024) + 1)));
    const args = ['validate', '--rule-kind', 'Sarif;Ghas', '--max-file-size-in-kb', sizeKb, '--output', output, ...inputs];
    const run = spawnSync(executable, args, {
      encoding: 'utf8',
      // The multitool is a .NET program; without this it needs libicu.
      env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1' },
      timeout: 120_000,
    });
    let log: Sarif.Log;
    try {
      log = JSON.parse(readFileSync(output, 'utf8')) as Sarif.Log;
    } catch {
      throw new Error(`sarif-multitool wrote no log (exit ${run.status}): ${run.error?.message ?? ''}${run.stdout}${run.stderr}`);
    }
    const verdicts: MultitoolVerdict[] = texts.map(() => ({ errors: [], warnings: [] }));
    const everyInput: MultitoolVerdict = { errors: [], warnings: [] };
    const inputOf = (result: Sarif.Result): MultitoolVerdict => {
      const uri = result.locations?.[0]?.physicalLocation?.artifactLocation?.uri;
      const index = uri === undefined ? -1 : inputs.findIndex((input) => uri.endsWith(`/${path.basename(input)}`));
      return verdicts[index] ?? everyInput;
    };
    for (const run of log.runs ?? []) {
      const rules = run.tool.driver.rules ?? [];
      for (const invocation of run.invocations ?? []) {
        if (invocation.executionSuccessful === false) everyInput.errors.push('sarif-multitool: execution failed');
        for (const n of [...(invocation.toolExecutionNotifications ?? []), ...(invocation.toolConfigurationNotifications ?? [])]) {
          if ((n.level ?? 'warning') === 'error') everyInput.errors.push(`sarif-multitool: ${messageText(n.message, undefined)}`);
        }
      }
      for (const result of run.results ?? []) {
        const rule = rules.find((r) => r.id === result.ruleId) ?? (result.ruleIndex !== undefined ? rules[result.ruleIndex] : undefined);
        const line = `${result.ruleId ?? '?'}: ${messageText(result.message, rule)}`;
        const verdict = inputOf(result);
        // A result without a level is a warning (SARIF 2.1.0 §3.27.10).
        if ((result.level ?? 'warning') === 'error') verdict.errors.push(line);
        else verdict.warnings.push(line);
      }
    }
    return verdicts.map((v) => ({ errors: [...everyInput.errors, ...v.errors], warnings: [...everyInput.warnings, ...v.warnings] }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Documents already validated in this test file, by their text. */
const passed = new Map<string, SarifValidation>();

/**
 * Fails (throws, listing the problems) unless the SARIF document passes the
 * SARIF 2.1.0 JSON schema and GitHub code scanning's upload rules, then
 * `sarif-multitool validate --rule-kind "Sarif;Ghas"`. Takes the parsed
 * document or the text as written.
 */
export function validateSarif(doc: unknown): SarifValidation {
  const text = typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2);
  const known = passed.get(text);
  if (known) return { warnings: [...known.warnings] };
  const log = (typeof doc === 'string' ? JSON.parse(doc) : doc) as Sarif.Log;
  const fail = (problems: string[]): never => {
    throw new Error(`invalid SARIF:\n  ${problems.join('\n  ')}`);
  };
  // The quick checks first: the multitool takes about a second per small file.
  const problems = [...schemaProblems(log), ...gitHubProblems(log)];
  if (problems.length > 0) fail(problems);
  const [{ errors, warnings }] = multitool([text]) as [MultitoolVerdict];
  if (errors.length > 0) fail(errors);
  passed.set(text, { warnings });
  return { warnings };
}

/**
 * Validates several documents with one run of the multitool, so that the
 * validateSarif calls that follow for the same texts are answered at once.
 * A document that fails is not remembered: validateSarif checks it again and
 * says why.
 */
export function prevalidateSarif(texts: string[]): void {
  const fresh = [...new Set(texts)].filter((text) => !passed.has(text));
  const sound = fresh.filter((text) => {
    const log = JSON.parse(text) as Sarif.Log;
    return schemaProblems(log).length === 0 && gitHubProblems(log).length === 0;
  });
  if (sound.length === 0) return;
  multitool(sound).forEach(({ errors, warnings }, i) => {
    if (errors.length === 0) passed.set(sound[i]!, { warnings });
  });
}

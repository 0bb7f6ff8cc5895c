import { Ajv, type ErrorObject } from 'ajv';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { FailOn, Rule, Severity, SeveritySetting } from './types.js';
import { UsageError } from './errors.js';
import schema from '../../schema/kcheck.schema.json' with { type: 'json' };


export interface IgnoreEntry {
  rule: string;
  kind?: string;
  namespace?: string;
  name?: string;
  reason: string;
}

export interface RuleSetting {
  severity?: SeveritySetting;
  options?: Record<string, unknown>;
}

export interface Config {
  /** Where the config came from, for messages and SARIF anchoring. */
  file: string | null;
  target?: string;
  failOn?: FailOn;
  rules: Record<string, RuleSetting>;
  ignore: IgnoreEntry[];
  backups: string[];
  sarifAnchor?: string;
}

export const emptyConfig = (): Config => ({ file: null, rules: {}, ignore: [], backups: [] });

const ajv = new Ajv({ allErrors: true, strict: false });
const validateShape = ajv.compile(schema);

/** `rules.kubelet-version-skew.severity` from `/rules/kubelet-version-skew/severity`. */
function dotted(instancePath: string): string[] {
  return instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function lineOf(doc: Document, lines: LineCounter, path: string[]): number | null {
  const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (!isNode(node) || !node.range) return null;
  return lines.linePos(node.range[0]).line;
}

function describe(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') {
    return `unknown field "${String(error.params['additionalProperty'])}"`;
  }
  if (error.keyword === 'enum') {
    return `must be one of ${(error.params['allowedValues'] as unknown[]).join(', ')}`;
  }
  return error.message ?? 'is not valid';
}

/** The most useful message for one config field: enum choices beat "must match oneOf". */
function bestErrors(errors: ErrorObject[]): ErrorObject[] {
  const byPath = new Map<string, ErrorObject>();
  for (const e of errors) {
    if (e.keyword === 'oneOf' || e.keyword === 'type' && byPath.has(e.instancePath)) continue;
    const seen = byPath.get(e.instancePath);
    if (!seen || e.keyword === 'enum' || e.keyword === 'additionalProperties') byPath.set(e.instancePath, e);
  }
  return [...byPath.values()];
}

/**
 * Parses and validates `.kcheck.yaml` text. Every problem names the file, the
 * dotted path of the bad field and its line.
 */
export function parseConfig(text: string, file: string, rules: Rule<any>[]): Config {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const line = lines.linePos(err.pos[0]).line;
    throw new UsageError(`${file}:${line}: not valid YAML: ${err.message.split('\n')[0]}`);
  }
  const data = (doc.toJS() ?? {}) as unknown;
  const problems: string[] = [];
  const fail = (path: string[], message: string): void => {
    const line = lineOf(doc, lines, path);
    problems.push(`${file}${line ? `:${line}` : ''}: ${path.length ? path.join('.') : '(top level)'}: ${message}`);
  };

  const shapeErrors = validateShape(data) ? [] : bestErrors(validateShape.errors ?? []);
  for (const e of shapeErrors) fail(dotted(e.instancePath), describe(e));
  const badPaths = new Set(shapeErrors.map((e) => dotted(e.instancePath).slice(0, 2).join('.')));
  const config = (data && typeof data === 'object' ? data : {}) as Omit<Config, 'file'> & Partial<Config>;
  const byId = new Map(rules.map((r) => [r.id, r]));
  const settings: Record<string, RuleSetting> = {};
  for (const [id, setting] of Object.entries(config.rules ?? {})) {
    const rule = byId.get(id);
    if (!rule) {
      fail(['rules', id], `no rule "${id}" (kcheck rules lists them)`);
      continue;
    }
    if (badPaths.has(`rules.${id}`)) continue;
    const normal: RuleSetting = typeof setting === 'string' ? { severity: setting as SeveritySetting } : setting;
    if (normal.options) {
      if (!rule.optionsSchema) {
        fail(['rules', id, 'options'], `rule ${id} takes no options`);
      } else {
        const validate = ajv.compile(rule.optionsSchema);
        if (!validate(normal.options)) {
          for (const e of bestErrors(validate.errors ?? [])) {
            fail(['rules', id, 'options', ...dotted(e.instancePath)], describe(e));
          }
        }
      }
    }
    settings[id] = normal;
  }
  (Array.isArray(config.ignore) ? config.ignore : []).forEach((entry, i) => {
    if (typeof entry?.rule === 'string' && entry.rule !== '*' && !byId.has(entry.rule)) fail(['ignore', String(i), 'rule'], `no rule "${entry.rule}"`);
  });
  if (problems.length > 0) {
    problems.sort((a, b) => Number(/:(\d+):/.exec(a)?.[1] ?? 0) - Number(/:(\d+):/.exec(b)?.[1] ?? 0));
    throw new UsageError(`invalid configuration\n  ${problems.join('\n  ')}`);
  }
  return {
    file,
    target: config.target,
    failOn: config.failOn,
    rules: settings,
    ignore: config.ignore ?? [],
    backups: config.backups ?? [],
    sarifAnchor: config.sarifAnchor,
  };
}

/** The severity a rule runs at, or 'off'. */
export function severityFor(rule: Rule<any>, config: Config): SeveritySetting {
  return config.rules[rule.id]?.severity ?? rule.severity;
}

export function optionsFor<O>(rule: Rule<O>, config: Config): O {
  return { ...rule.defaultOptions, ...(config.rules[rule.id]?.options ?? {}) } as O;
}

export type { Severity };

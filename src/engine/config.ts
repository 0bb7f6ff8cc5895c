import { Ajv, type ErrorObject } from 'ajv';
import { LineCounter, isMap, isNode, isScalar, isSeq, visit, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { FailOn, Rule, SeveritySetting } from './types.js';
import { UsageError } from './errors.js';
import schema from '../../schema/kcheck.schema.json' with { type: 'json' };
import { showHidden } from '../text/hidden-characters.js';
import { composeYaml, TooDeepError } from '../text/yaml-compose.js';


export interface IgnoreEntry {
  rule: string;
  kind?: string;
  namespace?: string;
  name?: string;
  reason: string;
}

interface RuleSetting {
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

/**
 * Finds nodes by path. Each mapping's keys are indexed the first time a path
 * goes through it, so naming every key of a large mapping stays linear
 * (`Document.getIn` searches a mapping's keys one by one).
 */
class NodeFinder {
  private readonly keys = new Map<YAMLMap, Map<string, Pair>>();

  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** The line of the value at `path` (of its key when `key` is set, or when the value has no position). */
  line(path: string[], key = false): number | null {
    let node: unknown = this.doc.contents;
    let pair: Pair | undefined;
    for (const part of path) {
      pair = undefined;
      if (isMap(node)) {
        pair = this.pairs(node).get(part);
        node = pair?.value;
      } else if (isSeq(node) && /^\d+$/.test(part)) {
        node = node.items[Number(part)];
      } else return null;
    }
    const at = (n: unknown): number | null => (isNode(n) && n.range ? this.lines.linePos(n.range[0]).line : null);
    if (key && pair) return at(pair.key) ?? at(node);
    return at(node) ?? (pair ? at(pair.key) : null);
  }

  private pairs(map: YAMLMap): Map<string, Pair> {
    let index = this.keys.get(map);
    if (!index) {
      index = new Map();
      for (const pair of map.items as Pair[]) {
        const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (!index.has(name)) index.set(name, pair);
      }
      this.keys.set(map, index);
    }
    return index;
  }
}

/**
 * Where a mapping first repeats a key, as an offset, or null. YAML keys are
 * unique within a mapping (https://yaml.org/spec/1.2.2/#mapping); the `yaml`
 * library compares each key with every key before it, so the document is
 * parsed with that check off and checked here with one set per mapping.
 * Keys are equal as the library compares them: the same scalar value.
 */
function firstRepeatedKey(doc: Document): number | null {
  let first: number | null = null;
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = pair.key as Node | null;
        if (!isScalar(key) || Number.isNaN(key.value)) continue;
        if (!seen.has(key.value)) {
          seen.add(key.value);
          continue;
        }
        const at = key.range?.[0];
        if (at !== undefined && (first === null || at < first)) first = at;
      }
    },
  });
  return first;
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
    const where = e.keyword === 'additionalProperties' ? `${e.instancePath}\0${String(e.params['additionalProperty'])}` : e.instancePath;
    if (e.keyword === 'oneOf' || e.keyword === 'type' && byPath.has(where)) continue;
    const seen = byPath.get(where);
    if (!seen || e.keyword === 'enum' || e.keyword === 'additionalProperties') byPath.set(where, e);
  }
  return [...byPath.values()];
}

/** Where an error is reported: an unknown field at its own key. */
function errorAt(e: ErrorObject, prefix: string[] = []): { path: string[]; key?: string } {
  const path = [...prefix, ...dotted(e.instancePath)];
  return e.keyword === 'additionalProperties' ? { path, key: String(e.params['additionalProperty']) } : { path };
}

/**
 * Parses and validates `.kcheck.yaml` text. Every problem names the file, the
 * dotted path of the bad field and its line.
 */
export function parseConfig(text: string, file: string, rules: Rule<any>[]): Config {
  // Composed with the manifest reader's depth limit, so a config nested a thousand levels deep is an error message, not a crash.
  let composed: ReturnType<typeof composeYaml>;
  try {
    composed = composeYaml(text, { uniqueKeys: false });
  } catch (err) {
    if (!(err instanceof TooDeepError)) throw err;
    throw new UsageError(`${file}: not valid YAML: ${err.message}`);
  }
  const { docs, lines } = composed;
  const doc = docs[0] ?? composeYaml('{}').docs[0]!;
  if (docs.length > 1) throw new UsageError(`${file}:${lines.linePos(docs[1]!.range[0]).line}: not valid YAML: a configuration is one YAML document`);
  const syntax = doc.errors[0];
  const repeated = firstRepeatedKey(doc);
  if (syntax || repeated !== null) {
    const [at, message] = syntax && (repeated === null || syntax.pos[0] <= repeated)
      ? [syntax.pos[0], syntax.message.split('\n')[0]]
      : [repeated!, 'Map keys must be unique'];
    throw new UsageError(`${file}:${lines.linePos(at).line}: not valid YAML: ${message}`);
  }
  const data = (doc.toJS() ?? {}) as unknown;
  const finder = new NodeFinder(doc, lines);
  const problems: { line: number; text: string }[] = [];
  const fail = (where: string[] | { path: string[]; key?: string }, message: string): void => {
    const { path, key } = Array.isArray(where) ? { path: where, key: undefined } : where;
    const line = key === undefined ? finder.line(path) : finder.line([...path, key], true) ?? finder.line(path);
    // One problem, one line: a key holding a line break or a control character is shown, never obeyed.
    problems.push({ line: line ?? 0, text: showHidden(`${file}${line ? `:${line}` : ''}: ${path.length ? path.join('.') : '(top level)'}: ${message}`) });
  };

  const shapeErrors = validateShape(data) ? [] : bestErrors(validateShape.errors ?? []);
  for (const e of shapeErrors) fail(errorAt(e), describe(e));
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
            fail(errorAt(e, ['rules', id, 'options']), describe(e));
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
    problems.sort((a, b) => a.line - b.line);
    throw new UsageError(`invalid configuration\n  ${problems.map((p) => p.text).join('\n  ')}`);
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



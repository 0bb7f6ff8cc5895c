/**
 * Label selectors as kubectl takes them on the command line (`--pod-selector`,
 * `--selector`): `app=web,tier!=db,env in (prod,staging),!canary,release`.
 * The grammar and the matching are those of k8s.io/apimachinery's labels.Parse
 * (pkg/labels/selector.go, the lexer's special symbols `= ! ( ) , > <` at
 * https://github.com/kubernetes/apimachinery/blob/v0.35.4/pkg/labels/selector.go#L519-L525).
 */

export interface SelectorRequirement {
  key: string;
  operator: 'Exists' | 'DoesNotExist' | '=' | '!=' | 'in' | 'notin' | '>' | '<';
  values: string[];
}

export type ParsedSelector = { ok: true; requirements: SelectorRequirement[] } | { ok: false; error: string };

const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);
const OPERATORS = ['==', '!=', '=', '>', '<', '(', ')', ',', '!'];

type Token = { type: 'id'; text: string } | { type: 'op'; text: string } | { type: 'end' };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (SPECIAL.has(ch)) {
      const op = OPERATORS.find((o) => text.startsWith(o, i))!;
      tokens.push({ type: 'op', text: op });
      i += op.length;
      continue;
    }
    let j = i;
    while (j < text.length && !SPECIAL.has(text[j]!) && !/\s/.test(text[j]!)) j++;
    tokens.push({ type: 'id', text: text.slice(i, j) });
    i = j;
  }
  tokens.push({ type: 'end' });
  return tokens;
}

/** A label key: an optional DNS subdomain prefix and `/`, then a name of up to 63 characters. */
function validKey(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts.at(-1)!;
  const prefix = parts.length === 2 ? parts[0]! : null;
  if (prefix !== null && (prefix.length === 0 || prefix.length > 253 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(prefix))) return false;
  return name.length > 0 && name.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name);
}

/** A label value: empty, or up to 63 characters of alphanumerics, `-`, `_` and `.`, starting and ending alphanumeric. */
function validValue(value: string): boolean {
  return value === '' || (value.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(value));
}

export function parseLabelSelector(text: string): ParsedSelector {
  const tokens = tokenize(text);
  const requirements: SelectorRequirement[] = [];
  let at = 0;
  const peek = (): Token => tokens[at]!;
  const next = (): Token => tokens[at++]!;
  const fail = (error: string): ParsedSelector => ({ ok: false, error });
  if (peek().type === 'end') return { ok: true, requirements };
  for (;;) {
    let token = next();
    let negated = false;
    if (token.type === 'op' && token.text === '!') {
      negated = true;
      token = next();
    }
    if (token.type !== 'id') return fail(`found '${token.type === 'op' ? token.text : ''}', expected: identifier`);
    const key = token.text;
    if (!validKey(key)) return fail(`invalid label key "${key}"`);
    const after = peek();
    if (negated || after.type === 'end' || (after.type === 'op' && after.text === ',')) {
      if (negated && !(after.type === 'end' || (after.type === 'op' && after.text === ','))) return fail(`found '${after.type === 'op' ? after.text : after.type === 'id' ? after.text : ''}', expected: ',' or 'end of string'`);
      requirements.push({ key, operator: negated ? 'DoesNotExist' : 'Exists', values: [] });
    } else {
      const op = next();
      if (op.type === 'id' && (op.text === 'in' || op.text === 'notin')) {
        const open = next();
        if (!(open.type === 'op' && open.text === '(')) return fail("found '', expected: '('");
        // (a,b), (a,,b) with an empty value; () is an empty set, which NewRequirement refuses.
        const values: string[] = [];
        let expectValue = true;
        for (;;) {
          const t = next();
          if (t.type === 'id' && expectValue) {
            values.push(t.text);
            expectValue = false;
          } else if (t.type === 'op' && t.text === ',') {
            if (expectValue) values.push('');
            expectValue = true;
          } else if (t.type === 'op' && t.text === ')') {
            if (expectValue && values.length > 0) values.push('');
            break;
          } else {
            return fail("found '', expected: ',' or ')'");
          }
        }
        if (values.length === 0) return fail("for 'in', 'notin' operators, values set can't be empty");
        if (values.some((v) => !validValue(v))) return fail(`invalid label value in ${key} ${op.text} (${values.join(',')})`);
        requirements.push({ key, operator: op.text, values });
      } else if (op.type === 'op' && ['=', '==', '!=', '>', '<'].includes(op.text)) {
        const v = peek();
        const value = v.type === 'id' ? (next(), v.text) : '';
        if (!validValue(value)) return fail(`invalid label value "${value}"`);
        if ((op.text === '>' || op.text === '<') && !/^-?\d+$/.test(value)) return fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
        requirements.push({ key, operator: op.text === '==' ? '=' : (op.text as SelectorRequirement['operator']), values: [value] });
      } else {
        return fail(`found '${op.type === 'end' ? '' : op.text}', expected: in, notin, =, ==, !=, gt, lt`);
      }
    }
    const sep = next();
    if (sep.type === 'end') return { ok: true, requirements };
    if (!(sep.type === 'op' && sep.text === ',')) return fail(`found '${sep.type === 'id' ? sep.text : sep.text}', expected: ',' or 'end of string'`);
  }
}

/** labels.Selector.Matches: every requirement holds; `!=` and `notin` hold when the label is absent. */
export function selectorMatches(requirements: SelectorRequirement[], labels: Record<string, string>): boolean {
  return requirements.every((r) => {
    const value = labels[r.key];
    switch (r.operator) {
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      case '=':
      case 'in':
        return value !== undefined && r.values.includes(value);
      case '!=':
      case 'notin':
        return value === undefined || !r.values.includes(value);
      case '>':
      case '<': {
        if (value === undefined || !/^-?\d+$/.test(value)) return false;
        return r.operator === '>' ? Number(value) > Number(r.values[0]) : Number(value) < Number(r.values[0]);
      }
    }
  });
}

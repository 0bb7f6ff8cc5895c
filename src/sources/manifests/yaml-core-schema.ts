import { Schema, Type } from 'js-yaml';

/*
 * Kubernetes reads YAML as YAML 1.2 (sigs.k8s.io/yaml): `on`, `yes` and
 * `2025-01-10` are strings. The `yaml` package's 1.2 core schema decides
 * which plain scalars are null, booleans and numbers; these are its tests and
 * conversions, so js-yaml gives the same values
 * (https://yaml.org/spec/1.2.2/#1032-tag-resolution). js-yaml's own
 * CORE_SCHEMA differs at the edges: it reads `1_000`, `0b101` and `+0x1F` as
 * numbers, `-.5` as a string and `-0` as 0.
 *
 * The tags are private, and the schema has no explicit types: any tag in the
 * text (`!!str`, `!!binary`, `!custom`) is unknown to js-yaml, which throws,
 * and the text goes to the `yaml` package instead.
 */

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

const NOT_RESOLVED = Symbol('a string');

function infinityOrNaN(text: string): number {
  if (text.slice(-3).toLowerCase() === 'nan') return NaN;
  return text.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
}

/** What a plain scalar is, tested in the `yaml` package's order; NOT_RESOLVED for a string. */
function plainValue(text: string): unknown {
  switch (text.charCodeAt(0)) {
    case 0x7e /* ~ */:
    case 0x6e /* n */:
    case 0x4e /* N */:
      return NULL.test(text) ? null : NOT_RESOLVED;
    case 0x74 /* t */:
    case 0x54 /* T */:
    case 0x66 /* f */:
    case 0x46 /* F */:
      return BOOL.test(text) ? text.startsWith('t') || text.startsWith('T') : NOT_RESOLVED;
    case 0x2b /* + */:
    case 0x2d /* - */:
    case 0x2e /* . */:
    case 0x30:
    case 0x31:
    case 0x32:
    case 0x33:
    case 0x34:
    case 0x35:
    case 0x36:
    case 0x37:
    case 0x38:
    case 0x39:
      if (INT_OCT.test(text)) return parseInt(text.substring(2), 8);
      if (INT.test(text)) return parseInt(text, 10);
      if (INT_HEX.test(text)) return parseInt(text.substring(2), 16);
      if (FLOAT_NAN.test(text)) return infinityOrNaN(text);
      if (FLOAT_EXP.test(text) || FLOAT.test(text)) return parseFloat(text);
      return NOT_RESOLVED;
    default:
      return text === '' ? null : NOT_RESOLVED;
  }
}

/** Plain scalars resolved as the `yaml` package does for YAML 1.2. */
export const YAML_12_CORE = new Schema({
  implicit: [
    new Type('tag:kcheck,core:plain', {
      kind: 'scalar',
      resolve: (text: string | null) => plainValue(text ?? '') !== NOT_RESOLVED,
      construct: (text: string | null) => plainValue(text ?? ''),
    }),
  ],
});

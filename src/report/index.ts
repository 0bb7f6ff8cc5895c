import { formatJson } from './json.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';
import type { Formatter } from './types.js';

/** Every report format, by the name `--format` takes. */
export const formatters = {
  text: formatText,
  json: formatJson,
  sarif: formatSarif,
} as const satisfies Record<string, Formatter>;

export type FormatName = keyof typeof formatters;

export const formatNames = Object.keys(formatters) as FormatName[];

export { MissingSarifAnchorError } from './sarif-anchor.js';
export type { Formatter, ReportContext } from './types.js';

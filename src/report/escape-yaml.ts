import { Document, visit } from 'yaml';
import { codeEscape, replaceHidden } from '../text/hidden-characters.js';

/** A string that could start a line of its own, act on a terminal, or spell an old-form workflow command. */
const NEEDS_QUOTES = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|##\[/;

/**
 * One YAML document of `value`, every string as it was. The strings that
 * need it are double-quoted, the one YAML style with escapes
 * (https://yaml.org/spec/1.2.2/#57-escaped-characters): a line break is `\n`
 * rather than a block scalar whose lines could start with `::` (a workflow
 * command when the stream is printed to a CI log), and what a terminal would
 * obey (ESC, C1 controls, bidi characters) and the `[` of `##[` are written
 * as `\e`, `\x9b`, `\u202e`, `\x5b`. Only those double-quoted strings can
 * hold such characters, so they are rewritten there and nowhere else.
 */
export function yamlDocument(value: unknown): string {
  const doc = new Document(value);
  visit(doc, {
    Scalar(key, node) {
      if (key !== 'key' && typeof node.value === 'string' && NEEDS_QUOTES.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  const text = doc.toString({ lineWidth: 0, doubleQuotedAsJSON: true });
  return text
    .split('\n')
    .map((line) => replaceHidden(line, codeEscape).replace(/##\[/g, '##\\x5b'))
    .join('\n');
}

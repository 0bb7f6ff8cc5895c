import { replaceHidden } from '../text/hidden-characters.js';

/**
 * JSON text of a value, every string as it was: JSON.stringify already
 * writes C0 controls as `\u001b`; the other characters a terminal or a text
 * renderer obeys (DEL, C1 controls such as U+009B CSI, bidi and line
 * separators) are written as `\uXXXX` too, and the `[` of `##[` as `\u005b`,
 * so no line of the document, printed to a CI log, is an old-form workflow
 * command (see escape-workflow.ts). Outside strings JSON has none of these
 * characters but the line breaks of its indentation, so the rewriting only
 * touches string contents, and any JSON parser reads back the same strings
 * (https://www.rfc-editor.org/rfc/rfc8259#section-7).
 */
export function jsonText(value: unknown, indent = 2): string {
  const text = JSON.stringify(value, null, indent);
  const escaped = replaceHidden(text, (char) => (char === '\n' ? char : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`));
  return escaped.replace(/##\[/g, '##\\u005b');
}

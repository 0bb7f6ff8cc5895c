import { showHidden } from '../text/hidden-characters.js';
import { withoutWorkflowCommands } from './escape-workflow.js';

/**
 * U+FFFE and U+FFFF are not XML characters at all (https://www.w3.org/TR/xml/#charsets);
 * they are written as `\ufffe`, `\uffff`, as the control characters are.
 */
const NOT_XML = /[\uFFFE\uFFFF]/g;

/**
 * Text content. XML 1.0 cannot carry most control characters even as
 * references, so they, C1 controls (which it can, but a terminal obeys) and
 * bidi characters are written as `\x07`, `\x9b`, `\u202e`; `& < >` are
 * references; line breaks are `&#10;` and `&#13;`, the same characters to an
 * XML parser (a raw CR would be normalised away), so a value never starts a
 * line of the document, and `##[` is `##&#91;`: neither a line of the
 * document printed to a CI log nor a value in it reads as a workflow command.
 */
export function xmlText(text: string): string {
  const escaped = showHidden(text, '\n\r\t')
    .replace(NOT_XML, (char) => `\\u${char.charCodeAt(0).toString(16)}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
  return withoutWorkflowCommands(escaped, '&#91;', '&#58;');
}

/** An attribute value; tabs become references too, so parsers keep them (attribute value normalisation). */
function xmlAttribute(text: string): string {
  return xmlText(text).replace(/"/g, '&quot;').replace(/\t/g, '&#9;');
}

export function xmlAttributes(attributes: Record<string, string | number | undefined>): string {
  return Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${xmlAttribute(String(value))}"`)
    .join('');
}

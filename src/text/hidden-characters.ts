/**
 * Characters a reader does not see but a terminal or a text renderer obeys:
 * C0 controls and DEL (ESC opens ANSI CSI and OSC sequences, which recolour,
 * retitle, hyperlink or clear a terminal: https://invisible-island.net/xterm/ctlseqs/ctlseqs.html),
 * C1 controls (U+009B is CSI on its own, U+009D is OSC), the line and
 * paragraph separators, and the bidirectional formatting characters that make
 * text show in another order than it is read (Unicode UAX #9; the "Trojan
 * Source" attack, CVE-2021-42574, https://trojansource.codes).
 */
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `\x1b`, `\u202e`: the character by its code, as JavaScript, YAML and most shells write it. */
export function codeEscape(char: string): string {
  const code = char.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `\n`, `\x1b`, `\u202e`: how such a character is written so that it shows instead of acting. */
function visibleEscape(char: string): string {
  return NAMED[char] ?? codeEscape(char);
}

/**
 * The text with every hidden character written as its escape (`\x1b[31m`
 * shows as the nine characters `\x1b[31m`); the characters in `keep` (line
 * breaks, tabs) are left for the format to handle.
 */
export function showHidden(text: string, keep = ''): string {
  return text.replace(HIDDEN, (char) => (keep.includes(char) ? char : visibleEscape(char)));
}

/** The text with each hidden character replaced by what `write` makes of it. */
export function replaceHidden(text: string, write: (char: string) => string): string {
  return text.replace(HIDDEN, write);
}

import { showHidden } from '../text/hidden-characters.js';

/**
 * A SARIF plain-text message (`message.text`). SARIF reads `[text](target)`
 * in one as an embedded link (SARIF 2.1.0 §3.11.6,
 * https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/sarif-v2.1.0-errata01-os-complete.html#_Toc141790717),
 * and GitHub code scanning both follows embedded links and renders the
 * message as Markdown (backticks become code, github/codeql#14128), so `[`,
 * `]` and `\` are escaped with a backslash, as §3.11.6 lets a producer do
 * outside links (oasis-tcs/sarif-spec#768), which GitHub's Markdown and
 * SARIF viewers both turn back into the character. Control and bidi
 * characters are written as `\x1b`, `\u202e`: the alert page and the
 * terminals SARIF tools print to would otherwise obey them; line breaks and
 * tabs stay.
 */
export function sarifText(text: string): string {
  return showHidden(text, '\n\t').replace(/[\\[\]]/g, '\\$&');
}

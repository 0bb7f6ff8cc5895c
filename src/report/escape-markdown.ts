import { showHidden } from '../text/hidden-characters.js';
import { withoutWorkflowCommands } from './escape-workflow.js';

/**
 * ASCII punctuation that starts markup inside a line of GitHub Flavored
 * Markdown: code spans, emphasis, links and images, strikethrough, headings,
 * math (`$`). Each is written with a backslash, which CommonMark turns back
 * into the character itself (https://spec.commonmark.org/0.31.2/#backslash-escapes).
 */
const INLINE = /[\\`*_[\]~#$]/g;

/**
 * A value as text inside one line of markdown: no HTML (`<`, `>` and `&` as
 * entities: GitHub keeps some raw HTML, https://github.github.com/gfm/#raw-html),
 * no link, image or code span, `|` as `\|` so a table cell stays one cell
 * (https://github.github.com/gfm/#tables-extension-), and control and bidi
 * characters written as `\x1b`, `\u202e`. A line break inside the value
 * becomes `lineBreak` (`<br>` in a table cell) or shows as `\n`; it never
 * ends the line, so the value cannot start a heading, a list or a fence.
 */
export function markdownText(text: string, lineBreak?: string): string {
  if (lineBreak !== undefined) return text.split(/\r\n|\r|\n/).map((line) => markdownText(line)).join(lineBreak);
  const escaped = text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(INLINE, '\\$&')
    .replace(/\|/g, '\\|');
  return showHidden(escaped);
}

/**
 * A value as a code span: delimited by one backtick more than the longest run
 * inside it, padded with a space when it starts or ends with a backtick or a
 * space (CommonMark strips one of each: https://spec.commonmark.org/0.31.2/#code-spans).
 * Inside a table `|` still ends the cell, so it is `\|` there too; code has
 * no escapes, so control characters and the `[` of `##[` are written as in a
 * terminal (`\x1b`, `##\x5b`).
 */
export function markdownCode(text: string): string {
  const body = withoutWorkflowCommands(showHidden(text), '\\x5b', '\\x3a').replace(/\|/g, '\\|');
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(body) ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

/**
 * A fenced code block of the given lines: each line with its control
 * characters shown (a line break inside one stays on it as `\n`) and no
 * workflow command in it (code has no escapes, so `##[` is `##\x5b` as in a
 * terminal), the fence
 * longer than any run of backticks inside, so no line can close it
 * (https://spec.commonmark.org/0.31.2/#fenced-code-blocks).
 */
export function markdownFence(lines: readonly string[], info = ''): string[] {
  const body = lines.map((line) => withoutWorkflowCommands(showHidden(line), '\\x5b', '\\x3a'));
  const longest = Math.max(2, ...body.flatMap((line) => [...line.matchAll(/`+/g)].map((m) => m[0].length)));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${info}`, ...body, fence];
}

/**
 * Text inside a quoted Mermaid label (`s1["..."]`): a quote would end the
 * label, so it is the entity code `#quot;`; `#` itself is `#35;` so the text
 * cannot spell another entity, and a backtick `#96;` (it starts Mermaid's
 * markdown strings); brackets, braces and angle brackets, which open shapes
 * or HTML, become spaces
 * (https://mermaid.js.org/syntax/flowchart.html#entity-codes-to-escape-characters).
 */
export function mermaidLabel(text: string): string {
  return showHidden(text)
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/`/g, '#96;')
    .replace(/[[\]{}<>]/g, ' ');
}

import { showHidden } from '../text/hidden-characters.js';
import { withoutWorkflowCommands } from './escape-workflow.js';

/**
 * A value as HTML text or a quoted attribute value: `& < > " '` as
 * references, so it cannot open a tag, end an attribute or spell an entity;
 * line breaks as `&#10;` and `&#13;` (the same characters once parsed, but
 * the page's source keeps one line per element, so a value cannot start a
 * line of its own when the page is printed to a CI log); `##[` as `##&#91;`;
 * control and bidi characters written as `\x1b`, `\u202e`, so they show
 * instead of steering a terminal the source is printed to or reordering the page.
 */
export function escapeHtml(text: string): string {
  const escaped = showHidden(text, '\n\r\t')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
  return withoutWorkflowCommands(escaped, '&#91;', '&#58;');
}

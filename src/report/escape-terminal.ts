import { showHidden } from '../text/hidden-characters.js';
import { withoutWorkflowCommands } from './escape-workflow.js';

/**
 * A value (a name, a path, a message) as one line of terminal or CI log
 * text: control and bidi characters written as `\x1b`, `\n`, `\u202e`, so
 * they neither steer the terminal nor split the line, and nothing in it the
 * GitHub runner would take for a workflow command.
 */
export function terminalText(text: string): string {
  return withoutWorkflowCommands(showHidden(text), '\\x5b', '\\x3a');
}

/** A message of several lines (a configuration error lists its problems one per line): each line as `terminalText`. */
export function terminalLines(text: string): string {
  return text.split('\n').map(terminalText).join('\n');
}

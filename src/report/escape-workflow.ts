import { showHidden } from '../text/hidden-characters.js';

/**
 * GitHub Actions reads workflow commands from every line a step prints, on
 * stdout and stderr alike, whatever format kcheck was asked for. The runner
 * splits the output into lines at LF, CR and CRLF (.NET StreamReader.ReadLine,
 * in actions/runner src/Runner.Sdk/ProcessInvoker.cs) and tries each line in
 * two forms (src/Runner.Common/ActionCommand.cs):
 *   - TryParseV2: the line, after TrimStart, starts with `::`; the command
 *     name runs to the first space or to the next `::`;
 *   - TryParse (the older form): `##[name ...]` anywhere in the line.
 * Command names are matched without regard to case (src/Runner.Worker/ActionCommandManager.cs).
 * https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands
 */

/**
 * Workflow command escaping, as @actions/core does it (toolkit
 * packages/core/src/command.ts) and the runner undoes it (UnescapeData,
 * UnescapeProperty): the message escapes `%`, CR and LF; property values also
 * escape `:` and `,`, which end a property and the command head.
 */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * What an annotation (or a failed step's message) shows: GitHub renders it
 * in the log and on the pull request, and the same line reaches a terminal
 * when kcheck runs outside Actions, so control and bidi characters are
 * written as `\x1b`, `\u202e`; line breaks and tabs stay, the command
 * escaping carries them.
 */
export function annotationText(text: string): string {
  return showHidden(text, '\n\r\t');
}

/** `##[`, wherever it is: the start of an old-form command. */
const OLD_FORM = /##\[/g;

/**
 * `::` after the blanks that begin a line (TrimStart removes what .NET's
 * Char.IsWhiteSpace calls blank: JavaScript's `\s` and U+0085).
 */
const LINE_START = /^([\s\u0085]*):(?=:)/gm;

/**
 * Text with no line the runner could take for a command: the `[` of `##[`
 * and the first `:` of a line-leading `::` are written as the format writes a
 * character by its code (`\x5b` in a terminal, `&#91;` in HTML and XML).
 */
export function withoutWorkflowCommands(text: string, bracket: string, colon: string): string {
  return text.replace(OLD_FORM, `##${bracket}`).replace(LINE_START, `$1${colon}`);
}

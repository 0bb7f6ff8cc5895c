/**
 * Workflow commands as the GitHub Actions runner reads them from a step's
 * output, after actions/runner at commit 258d6c857db3519913f7deb6004b60172f8043ae
 * (https://github.com/actions/runner), files under src/:
 *   - Runner.Sdk/ProcessInvoker.cs:513: stdout and stderr are read with
 *     StreamReader.ReadLine, which ends a line at LF, CR or CRLF;
 *   - Runner.Worker/Handlers/OutputManager.cs:77-90: a line holding `##[` or
 *     `::` goes to ActionCommandManager.TryProcessCommand;
 *   - Runner.Worker/ActionCommandManager.cs:61-74: ActionCommand.TryParseV2
 *     first, then ActionCommand.TryParse; lines 25 and 30-46: the registered
 *     names (`stop-commands` and each command extension's, lines 206-811),
 *     compared with StringComparer.OrdinalIgnoreCase;
 *   - Runner.Common/ActionCommand.cs:51-119 TryParseV2 (TrimStart, `::`,
 *     name up to a space or the next `::`, properties split at `,` then at the
 *     first `=`), 121-189 TryParse (`##[name props]data` anywhere in the
 *     line, properties split at `;`), 191-257 the unescaping of each form.
 * .NET's StartsWith and IndexOf(string) compare by culture where this
 * compares ordinally; a match that only culture rules find leaves an
 * ignorable character or a `:` inside the command name, which no registered
 * name has, so both find the same commands.
 */

/** ActionCommandManager.cs:33 and the `Command` of each extension (lines 236-811); `internal-set-repo-path` is left out (lines 42-45). */
const REGISTERED_COMMANDS = [
  'stop-commands',
  'set-env',
  'set-output',
  'save-state',
  'add-mask',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'debug',
  'warning',
  'error',
  'notice',
  'group',
  'endgroup',
  'echo',
];

const registered = new Set(REGISTERED_COMMANDS);

export interface WorkflowCommand {
  form: 'v2' | 'v1';
  /** As written in the line; the runner matches it without regard to case. */
  name: string;
  /** Unescaped; keys as written. */
  properties: Record<string, string>;
  /** Property keys given more than once (the later one wins in the runner's dictionary). */
  repeated: string[];
  data: string;
  line: string;
}

/** The lines the runner reads: split at LF, CR and CRLF (StreamReader.ReadLine). */
export function runnerLines(output: string): string[] {
  const lines = output.split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Char.IsWhiteSpace, which String.TrimStart removes: Unicode Zs, Zl, Zp, U+0009-U+000D and U+0085. */
const DOTNET_LEADING_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** ActionCommand.cs:25-32 and 227-257, in the order the runner replaces them. */
const UNESCAPE_PROPERTY: [string, string][] = [['%0D', '\r'], ['%0A', '\n'], ['%3A', ':'], ['%2C', ','], ['%25', '%']];
const UNESCAPE_DATA: [string, string][] = [['%0D', '\r'], ['%0A', '\n'], ['%25', '%']];
/** ActionCommand.cs:9-16 and 191-205, for the old form. */
const UNESCAPE_V1: [string, string][] = [['%3B', ';'], ['%0D', '\r'], ['%0A', '\n'], ['%5D', ']'], ['%25', '%']];

function unescape(text: string, mappings: [string, string][]): string {
  let out = text;
  for (const [escaped, char] of mappings) out = out.split(escaped).join(char);
  return out;
}

/** `propertyStr.Split('=', count: 2, RemoveEmptyEntries)` kept only when it gives two parts. */
function property(text: string): [string, string] | null {
  const at = text.indexOf('=');
  if (at <= 0 || at === text.length - 1) return null;
  return [text.slice(0, at), text.slice(at + 1)];
}

function properties(parts: string[], mappings: [string, string][]): { properties: Record<string, string>; repeated: string[] } {
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  const repeated: string[] = [];
  for (const part of parts.filter((p) => p !== '')) {
    const pair = property(part);
    if (!pair) continue;
    const key = pair[0].toLowerCase();
    if (seen.has(key)) repeated.push(pair[0]);
    seen.add(key);
    out[pair[0]] = unescape(pair[1], mappings);
  }
  return { properties: out, repeated };
}

/** ActionCommand.TryParseV2. */
export function parseV2(line: string): WorkflowCommand | null {
  const message = line.replace(DOTNET_LEADING_SPACE, '');
  if (!message.startsWith('::')) return null;
  const end = message.indexOf('::', 2);
  if (end < 0) return null;
  const info = message.slice(2, end);
  const space = info.indexOf(' ');
  const name = space < 0 ? info : info.slice(0, space);
  if (!registered.has(name.toLowerCase())) return null;
  const props = space > 0 ? properties(info.slice(space + 1).trim().split(','), UNESCAPE_PROPERTY) : { properties: {}, repeated: [] };
  return { form: 'v2', name, ...props, data: unescape(message.slice(end + 2), UNESCAPE_DATA), line };
}

/** ActionCommand.TryParse, the `##[name props]data` form. */
export function parseV1(line: string): WorkflowCommand | null {
  const prefix = line.indexOf('##[');
  if (prefix < 0) return null;
  const bracket = line.indexOf(']', prefix);
  if (bracket < 0) return null;
  const info = line.slice(prefix + 3, bracket);
  const space = info.indexOf(' ');
  const name = space < 0 ? info : info.slice(0, space);
  if (!registered.has(name.toLowerCase())) return null;
  const props = space > 0 ? properties(info.slice(space + 1).split(';'), UNESCAPE_V1) : { properties: {}, repeated: [] };
  return { form: 'v1', name, ...props, data: unescape(line.slice(bracket + 1), UNESCAPE_V1), line };
}

/** Every command the runner would run for this output, in order. */
export function workflowCommands(output: string): WorkflowCommand[] {
  return runnerLines(output)
    .filter((line) => line.includes('##[') || line.includes('::'))
    .map((line) => parseV2(line) ?? parseV1(line))
    .filter((command): command is WorkflowCommand => command !== null);
}

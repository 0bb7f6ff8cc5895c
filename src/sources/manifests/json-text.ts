import type { Position } from './pieces.js';

export type JsonParse = { ok: true; value: unknown } | { ok: false; message: string; at: Position };

/**
 * JSON.parse of a text that starts at `start` in its file. Errors come back
 * with the file position of the offending character: V8 reports only an
 * offset ("... in JSON at position 42", and on newer Node "(line 3 column 5)"
 * relative to the text, which is not the file's).
 */
export function parseJsonAt(text: string, start: Position): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    const raw = err instanceof Error ? err.message : String(err);
    const offset = /at position (\d+)/.exec(raw);
    const message = raw.replace(/ in JSON at position \d+.*$/s, '').replace(/ after JSON at position \d+.*$/s, ' after the JSON value');
    const at = offset ? positionIn(text, Number(offset[1]), start) : endOf(text, start);
    return { ok: false, message: `invalid JSON: ${message}`, at };
  }
}

/** File position of `offset` in a text that starts at `start`. */
function positionIn(text: string, offset: number, start: Position): Position {
  let line = start.line;
  let lineStart = -1;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i;
  }
  const column = lineStart === -1 ? start.column + end : end - lineStart;
  return { line, column };
}

function endOf(text: string, start: Position): Position {
  return positionIn(text, text.trimEnd().length, start);
}

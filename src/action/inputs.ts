import { UsageError } from '../engine/errors.js';

/** The Action's inputs as action.yml declares them. */
export interface ActionInputs {
  paths: string[];
  /** A kubeconfig file's path, or the file's content (from a secret). */
  kubeconfig?: string;
  context?: string;
  root?: string;
  backups: string[];
  target?: string;
  config?: string;
  failOn?: string;
  sarifFile: string;
  category?: string;
  /** Nodes to drain, one per line: the step then also gates on how `kubectl drain` of them would end. */
  drain: string[];
  /** The kubectl drain flags the drain will run with, as words (`--ignore-daemonsets`, `--timeout=5m`, `-l role=worker`). */
  drainFlags: string[];
}

const DEFAULT_SARIF_FILE = 'kcheck.sarif';

/** One entry per line; blank lines and surrounding spaces are dropped. */
function lines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/**
 * Words as a shell splits a command line: spaces and line breaks separate
 * them, single and double quotes keep spaces inside one
 * (`--pod-selector 'app in (a, b)'`), a backslash keeps the next character.
 */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quote !== null) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) word += text[++i]!;
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < text.length) {
      word = (word ?? '') + text[++i]!;
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote !== null) throw new UsageError(`drain-flags: a ${quote === '"' ? 'double' : 'single'} quote is not closed: ${text}`);
  if (word !== null) words.push(word);
  return words;
}

/**
 * Reads the inputs with `get` (core.getInput). The runner fills in
 * action.yml's defaults; they are applied here too, so the entry point
 * behaves the same when started with only some INPUT_* variables set.
 */
export function readInputs(get: (name: string) => string): ActionInputs {
  const optional = (name: string): string | undefined => {
    const value = get(name).trim();
    return value === '' ? undefined : value;
  };
  // A kubeconfig's content keeps its line breaks and indentation.
  const kubeconfig = get('kubeconfig');
  const failOn = optional('fail-on');
  const context = optional('context');
  const root = optional('root');
  const target = optional('target');
  const config = optional('config');
  const category = optional('category');
  return {
    paths: lines(get('paths')),
    ...(kubeconfig.trim() !== '' ? { kubeconfig } : {}),
    ...(context !== undefined ? { context } : {}),
    ...(root !== undefined ? { root } : {}),
    backups: lines(get('backups')),
    ...(target !== undefined ? { target } : {}),
    ...(config !== undefined ? { config } : {}),
    ...(failOn !== undefined ? { failOn } : {}),
    sarifFile: optional('sarif-file') ?? DEFAULT_SARIF_FILE,
    ...(category !== undefined ? { category } : {}),
    drain: lines(get('drain')),
    drainFlags: shellWords(get('drain-flags')),
  };
}

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Rule } from '../engine/types.js';
import { emptyConfig, parseConfig, type Config } from '../engine/config.js';
import { UsageError } from '../engine/errors.js';

const DEFAULT_NAMES = ['.kcheck.yaml', '.kcheck.yml'];

/** `--config FILE`, else `.kcheck.yaml` in the working directory, else defaults. */
export function loadConfig(path: string | undefined, rules: Rule<any>[], cwd = process.cwd()): Config {
  const file = path ?? DEFAULT_NAMES.map((n) => join(cwd, n)).find((f) => existsSync(f));
  if (!file) return emptyConfig();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read config ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseConfig(text, path ?? file.slice(cwd.length + 1), rules);
}

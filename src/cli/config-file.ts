import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Rule } from '../engine/types.js';
import { emptyConfig, parseConfig, type Config } from '../engine/config.js';
import { UsageError } from '../engine/errors.js';
import { CONFIG_MAX_BYTES, readBoundedFileSync, UnreadableFile } from '../sources/open-file.js';

const DEFAULT_NAMES = ['.kcheck.yaml', '.kcheck.yml'];

/**
 * `--config FILE`, else `.kcheck.yaml` in the working directory, else
 * defaults. Only a regular file is read (a FIFO or a device is refused at
 * once, never waited on), at most CONFIG_MAX_BYTES of it; `/dev/null` reads
 * as an empty configuration.
 */
export function loadConfig(path: string | undefined, rules: Rule<any>[], cwd = process.cwd()): Config {
  const file = path ?? DEFAULT_NAMES.map((n) => join(cwd, n)).find((f) => existsSync(f));
  if (!file) return emptyConfig();
  let text: string;
  try {
    text = readBoundedFileSync(file, { limit: CONFIG_MAX_BYTES, what: 'a config file' }).toString('utf8');
  } catch (error) {
    const reason = error instanceof UnreadableFile ? error.reason : String(error);
    throw new UsageError(`cannot read config ${file}: ${reason}`);
  }
  return parseConfig(text, path ?? file.slice(cwd.length + 1), rules);
}

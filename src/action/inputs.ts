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
  };
}

import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = new URL('../..', import.meta.url).pathname;

/** The demo cluster as the Action's inputs name it (paths relative to the workspace). */
export const DEMO_INPUTS = {
  paths: 'fixtures/demo/cluster',
  root: 'fixtures/demo/node-root',
  config: 'fixtures/demo/kcheck.yaml',
};

export interface Annotation {
  level: string;
  properties: string;
  message: string;
}

/** Workflow commands in a step's log: `::level props::message`. */
export function annotations(stdout: string): Annotation[] {
  return stdout
    .split('\n')
    .map((line) => /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ level: m[1]!, properties: m[2] ?? '', message: m[3]! }));
}

/** Outputs as the runner's file command writes them: `name<<DELIMITER`, value lines, `DELIMITER`. */
function fileCommandOutputs(file: string): Record<string, string> {
  const lines = readFileSync(file, 'utf8').split('\n');
  const outputs: Record<string, string> = {};
  for (let i = 0; i < lines.length; i += 1) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]!);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      outputs[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (lines[i]!.includes('=')) {
      const [name, ...value] = lines[i]!.split('=');
      outputs[name!] = value.join('=');
    }
  }
  return outputs;
}

/** The Node 24 binary GitHub runs `node24` actions with. */
export function node24(): string {
  const run = spawnSync('bash', [path.join(root, 'scripts/node24.sh')], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`scripts/node24.sh failed: ${run.stderr}`);
  return run.stdout.trim().split('\n').at(-1)!;
}

export interface StepRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

let step = 0;

/**
 * Runs dist/index.js the way the runner does: INPUT_* variables, file
 * commands, the workspace as working directory; `env` overrides the runner's
 * variables.
 */
export function runStep(node: string, cwd: string, inputs: Record<string, string>, dir: string, env: NodeJS.ProcessEnv = {}): StepRun {
  step += 1;
  const outputFile = path.join(dir, `output-${step}`);
  const summaryFile = path.join(dir, `summary-${step}`);
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const variables: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    // A runner's home: no ~/.kube/config.
    HOME: dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTION_PATH: root,
    GITHUB_WORKSPACE: cwd,
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    ...env,
  };
  // The runner keeps hyphens in input names: INPUT_FAIL-ON.
  for (const [name, value] of Object.entries(inputs)) variables[`INPUT_${name.toUpperCase()}`] = value;
  const run = spawnSync(node, [path.join(root, 'dist/index.js')], { cwd, env: variables, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  return {
    code: run.status ?? -1,
    stdout: run.stdout,
    stderr: run.stderr,
    outputs: fileCommandOutputs(outputFile),
    summary: readFileSync(summaryFile, 'utf8'),
  };
}


/**
 * A repository checkout with the demo cluster's files, as the workflow's
 * workspace; the Action runs from its own folder, as GITHUB_ACTION_PATH.
 */
export function demoWorkspace(dir: string): string {
  const ws = path.join(dir, 'workspace');
  mkdirSync(ws, { recursive: true });
  for (const part of ['cluster', 'node-root', 'kcheck.yaml']) cpSync(path.join(root, 'fixtures/demo', part), path.join(ws, part), { recursive: true });
  return ws;
}

import { readFileSync } from 'node:fs';

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
export function fileCommandOutputs(file: string): Record<string, string> {
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

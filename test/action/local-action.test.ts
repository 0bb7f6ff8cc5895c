import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plural } from '../../src/report/describe.js';
import { JOB_SUMMARY_MAX_BYTES } from '../../src/report/markdown.js';
import { runCli } from '../helpers/run-cli.js';
import { validateSarif } from '../report/sarif-validate.js';
import { annotations, DEMO_INPUTS } from './action-run.js';

const root = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(path.join(tmpdir(), 'kcheck-local-action-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface LocalRun {
  code: number;
  stdout: string;
  summary: string;
  sarifFile: string;
}

/**
 * `local-action run . src/action/main.ts ENV_FILE`: the Action's TypeScript
 * entry with @actions/core replaced by local-action's stand-in, inputs from
 * the env file.
 */
function localAction(name: string, inputs: Record<string, string>): LocalRun {
  const summary = path.join(dir, `${name}-summary.md`);
  const sarifFile = path.join(dir, `${name}.sarif`);
  writeFileSync(summary, '');
  const env = { ...inputs, 'sarif-file': sarifFile };
  const envFile = path.join(dir, `${name}.env`);
  writeFileSync(
    envFile,
    [...Object.entries(env).map(([key, value]) => `INPUT_${key.toUpperCase()}=${value}`), `GITHUB_STEP_SUMMARY=${summary}`, ''].join('\n'),
  );
  const run = spawnSync(process.execPath, [path.join(root, 'node_modules/@github/local-action/bin/local-action.js'), 'run', '.', 'src/action/main.ts', envFile], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    timeout: 180_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: run.status ?? -1, stdout: run.stdout, summary: readFileSync(summary, 'utf8'), sarifFile };
}

/** `::set-output name=X::V` lines local-action prints for each core.setOutput. */
function outputs(stdout: string): Record<string, string> {
  return Object.fromEntries([...stdout.matchAll(/^::set-output name=([\w-]+)::(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
}

describe('the Action under @github/local-action', () => {
  let failing: LocalRun;
  let passing: LocalRun;
  const cli = JSON.parse(
    runCli(['scan', DEMO_INPUTS.paths, '--root', DEMO_INPUTS.root, '--config', DEMO_INPUTS.config, '--format', 'json']).stdout,
  ) as { summary: Record<string, number> };

  beforeAll(() => {
    failing = localAction('fail-on-error', { ...DEMO_INPUTS, 'fail-on': 'error' });
    passing = localAction('fail-on-never', { ...DEMO_INPUTS, 'fail-on': 'never', category: 'demo-cluster' });
  }, 360_000);

  it('sets the outputs to the counts kcheck scan gives', () => {
    const { error, warning, info } = cli.summary as { error: number; warning: number; info: number };
    expect(outputs(failing.stdout)).toEqual({
      'sarif-file': failing.sarifFile,
      findings: String(error + warning + info),
      errors: String(error),
      warnings: String(warning),
    });
  });

  it('writes the job summary: counts, the findings that matter most, the plan', () => {
    const { error, warning, info } = cli.summary as { error: number; warning: number; info: number };
    expect(failing.summary).toMatch(new RegExp(`^## kcheck: ${error} errors, ${warning} warnings, ${info} info\\n`));
    expect(failing.summary).toContain('### Findings that matter most');
    expect(failing.summary).toContain('## Upgrade plan');
    expect(failing.summary).toContain('```mermaid');
    expect(Buffer.byteLength(failing.summary)).toBeLessThanOrEqual(JOB_SUMMARY_MAX_BYTES);
  });

  it('annotates the 10 most important errors and warnings with file and line, and counts the rest', () => {
    const lines = annotations(failing.stdout).filter((a) => !a.message.startsWith('kcheck: '));
    const errors = lines.filter((a) => a.level === 'error');
    expect(errors).toHaveLength(10);
    expect(errors[0]?.properties).toBe('file=fixtures/demo/cluster/broken.yaml,line=13,col=9,title=kcheck parse-error');
    expect(lines.filter((a) => a.level === 'warning')).toHaveLength(10);
    const rest = lines.filter((a) => a.properties === 'title=kcheck%3A more findings');
    expect(rest).toHaveLength(1);
    const { error, warning } = cli.summary as { error: number; warning: number };
    expect(rest[0]?.message).toMatch(new RegExp(`^${plural(error - 10, 'error')}, ${plural(warning - 10, 'warning')} not shown`));
  });

  it('fails the step after writing everything when findings reach fail-on', () => {
    const failed = annotations(failing.stdout).filter((a) => a.level === 'error' && a.message.startsWith('kcheck: '));
    expect(failed.map((a) => a.message)).toEqual([`kcheck: ${cli.summary['error']} findings at or above fail-on (error); the job summary lists them`]);
    expect(failing.code).toBe(1);
    expect(failing.stdout.lastIndexOf('::set-output name=warnings')).toBeLessThan(failing.stdout.lastIndexOf('::error::kcheck: '));
  });

  it('passes with fail-on never, and names the code scanning category it was given', () => {
    expect(passing.code).toBe(0);
    expect(annotations(passing.stdout).some((a) => a.message.startsWith('kcheck: '))).toBe(false);
    const sarif = JSON.parse(readFileSync(passing.sarifFile, 'utf8')) as { runs: { automationDetails: { id: string } }[] };
    expect(sarif.runs[0]?.automationDetails.id).toBe('demo-cluster/');
  });

  it('writes SARIF that GitHub code scanning accepts', () => {
    validateSarif(readFileSync(failing.sarifFile, 'utf8'));
  });
});

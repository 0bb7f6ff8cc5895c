import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOutputFile } from '../../src/cli/output.js';
import { UsageError } from '../../src/engine/errors.js';
import { runCli } from '../helpers/run-cli.js';
import { workflowCommands } from '../report/workflow-commands.js';
import { annotations, demoWorkspace, node24, runStep } from './action-run.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kcheck-links-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PRECIOUS = 'what the link points at\n';

/** A file outside the workspace that a committed link points at, and must keep its content. */
function precious(name: string): string {
  const file = path.join(dir, `${name}-target.txt`);
  writeFileSync(file, PRECIOUS);
  return file;
}

function refusal(write: () => void): UsageError {
  try {
    write();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('the write went through');
}

describe('report files are never written through a symbolic link', () => {
  it('refuses a link as the file, names it as a link, and leaves its target alone', () => {
    const ws = path.join(dir, 'unit-file');
    mkdirSync(ws);
    const target = precious('unit-file');
    symlinkSync(target, path.join(ws, 'kcheck.sarif'));
    const error = refusal(() => writeOutputFile('kcheck.sarif', '{}\n', { cwd: ws }));
    expect(error.message).toBe(
      `cannot write kcheck.sarif: kcheck.sarif is a symbolic link (to ${target}), and kcheck never writes through a link it did not make; remove the link or choose another path`,
    );
    expect(readFileSync(target, 'utf8')).toBe(PRECIOUS);
    expect(lstatSync(path.join(ws, 'kcheck.sarif')).isSymbolicLink()).toBe(true);
  });

  it('refuses a linked folder on the way, and makes no folder through it', () => {
    const ws = path.join(dir, 'unit-folder');
    const elsewhere = path.join(dir, 'unit-folder-elsewhere');
    mkdirSync(ws);
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, path.join(ws, 'reports'));
    const error = refusal(() => writeOutputFile('reports/deep/kcheck.sarif', '{}\n', { cwd: ws, makeFolders: true }));
    expect(error.message).toContain('reports is a symbolic link');
    expect(existsSync(path.join(elsewhere, 'deep'))).toBe(false);
  });

  it('refuses a link as the job summary it appends to', () => {
    const target = precious('unit-summary');
    const summary = path.join(dir, 'step_summary');
    symlinkSync(target, summary);
    const error = refusal(() => writeOutputFile(summary, '## kcheck\n', { cwd: path.join(dir, 'unit-file'), append: true }));
    expect(error.message).toContain('is a symbolic link');
    expect(readFileSync(target, 'utf8')).toBe(PRECIOUS);
  });

  it('writes and appends to plain files, making the folders it needs', () => {
    const ws = path.join(dir, 'unit-plain');
    mkdirSync(ws);
    writeOutputFile('out/kcheck.sarif', 'one\n', { cwd: ws, makeFolders: true });
    writeOutputFile('out/kcheck.sarif', 'two\n', { cwd: ws });
    writeOutputFile('out/summary.md', 'a\n', { cwd: ws, makeFolders: true, append: true });
    writeOutputFile('out/summary.md', 'b\n', { cwd: ws, append: true });
    expect(readFileSync(path.join(ws, 'out/kcheck.sarif'), 'utf8')).toBe('two\n');
    expect(readFileSync(path.join(ws, 'out/summary.md'), 'utf8')).toBe('a\nb\n');
  });

  it('kcheck scan -o refuses a link with exit code 2 and says so', () => {
    const ws = path.join(dir, 'cli');
    mkdirSync(ws);
    const target = precious('cli');
    writeFileSync(path.join(ws, 'nodes.yaml'), 'apiVersion: v1\nkind: Node\nmetadata: { name: n1 }\nstatus: { nodeInfo: { kubeletVersion: v1.33.1 } }\n');
    symlinkSync(target, path.join(ws, 'report.sarif'));
    const run = runCli(['scan', 'nodes.yaml', '--format', 'sarif', '-o', 'report.sarif', '--now', '2026-11-20T00:00:00Z'], { cwd: ws });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('kcheck: cannot write report.sarif: report.sarif is a symbolic link');
    expect(readFileSync(target, 'utf8')).toBe(PRECIOUS);
  });
});

describe('the bundled Action and links it did not make', () => {
  let node = '';
  beforeAll(() => {
    node = node24();
  }, 180_000);

  it('fails with exit code 2 on a committed kcheck.sarif link, still annotates, and leaves the target alone', () => {
    const ws = demoWorkspace(path.join(dir, 'action-sarif'));
    const target = precious('action-sarif');
    symlinkSync(target, path.join(ws, 'kcheck.sarif'));
    const step = runStep(node, ws, { paths: 'cluster', root: 'node-root', config: 'kcheck.yaml', 'fail-on': 'never' }, dir);
    expect(step.code).toBe(2);
    expect(readFileSync(target, 'utf8')).toBe(PRECIOUS);
    const failed = annotations(step.stdout).filter((a) => a.message.startsWith('kcheck: '));
    expect(failed).toEqual([
      {
        level: 'error',
        properties: '',
        message: `kcheck: cannot write kcheck.sarif: kcheck.sarif is a symbolic link (to ${target}), and kcheck never writes through a link it did not make; remove the link or choose another path`,
      },
    ]);
    expect(step.summary).toMatch(/^## kcheck: /);
  }, 120_000);

  it('fails with exit code 2 when the job summary is a link, and leaves the target alone', () => {
    const ws = demoWorkspace(path.join(dir, 'action-summary'));
    const target = precious('action-summary');
    const summary = path.join(dir, 'linked-summary');
    symlinkSync(target, summary);
    const step = runStep(node, ws, { paths: 'cluster', root: 'node-root', config: 'kcheck.yaml', 'fail-on': 'never' }, dir, { GITHUB_STEP_SUMMARY: summary });
    expect(step.code).toBe(2);
    expect(readFileSync(target, 'utf8')).toBe(PRECIOUS);
    expect(step.stdout).toContain('::error::kcheck: job summary: cannot write');
    expect(step.stdout).toContain('is a symbolic link');
  }, 120_000);

  it('prints only its own workflow commands for a cluster whose names are commands', () => {
    const ws = path.join(dir, 'action-hostile', 'workspace');
    mkdirSync(ws, { recursive: true });
    const name = 'w\n::add-mask::hunter2\r::set-output name=ok::true\n##[stop-commands]x\u001b[2J';
    writeFileSync(
      path.join(ws, 'cluster.yaml'),
      `apiVersion: v1\nkind: Node\nmetadata: { name: ${JSON.stringify(name)} }\nspec: { unschedulable: true }\nstatus: { nodeInfo: { kubeletVersion: v1.33.1 } }\n`,
    );
    const step = runStep(node, ws, { paths: 'cluster.yaml', 'fail-on': 'warning' }, dir);
    expect(step.code).toBe(1);
    const commands = workflowCommands(step.stdout + step.stderr);
    expect(commands.length).toBeGreaterThan(0);
    expect(commands.every((c) => c.form === 'v2' && ['error', 'warning', 'notice'].includes(c.name))).toBe(true);
    expect(commands.some((c) => c.data.includes('w\n::add-mask::hunter2\r::set-output name=ok::true\n##[stop-commands]x\\x1b[2J'))).toBe(true);
    expect(step.stdout + step.stderr).not.toContain('\u001b');
  }, 120_000);
});

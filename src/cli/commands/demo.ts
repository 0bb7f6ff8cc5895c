import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { formatNames } from '../../report/index.js';
import { demoDir } from '../../sources/package-files.js';
import { scan } from '../pipeline.js';
import { writeReport } from '../output.js';
import { addOutputOptions } from '../scan-options.js';

/** When the bundled demo cluster was "captured": fixed, so its output is the same every day. */
const DEMO_CAPTURED_AT = '2026-11-20T09:00:00Z';

/** The demo's inputs: the cluster dump, the control-plane node's files, and the etcd backups. */
export function demoRequest(cwd = process.cwd()) {
  const dir = relative(cwd, demoDir()) || '.';
  return {
    paths: [join(dir, 'cluster')],
    root: join(dir, 'node-root'),
    // The control-plane node's own snapshot folder, and the off-node copy the nightly job should fill.
    backups: [join(dir, 'backups'), join(dir, 'offsite-backups')],
    config: join(dir, 'kcheck.yaml'),
    now: DEMO_CAPTURED_AT,
    // As `kubeadm version -o short` printed it on the demo's control-plane node.
    kubeadmVersion: 'v1.32.0',
    cluster: 'demo',
  };
}

export function registerDemo(program: Command, setExit: (code: number) => void): void {
  const command = program
    .command('demo')
    .description('scan the bundled demo cluster, which has one of every problem kcheck finds (exit 0 unless --fail-on is given)');
  addOutputOptions(command, formatNames);
  command.action(async (flags: { format?: string; output?: string; failOn?: string; sarifAnchor?: string }) => {
    // The demo's problems are there on purpose: it exits 0 unless --fail-on asks for the gate.
    const result = await scan({ ...demoRequest(), failOn: flags.failOn ?? 'never' });
    writeReport(result, flags);
    setExit(result.exitCode);
  });
}

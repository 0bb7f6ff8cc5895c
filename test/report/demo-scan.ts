import { fileURLToPath } from 'node:url';
import { demoRequest } from '../../src/cli/commands/demo.js';
import { reportContext } from '../../src/cli/output.js';
import { scan, type Scan } from '../../src/cli/pipeline.js';
import type { ReportContext } from '../../src/report/types.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

let cached: Promise<Scan> | undefined;

/** The bundled demo cluster, scanned once per test file, as `kcheck demo` scans it. */
export function demoScan(): Promise<Scan> {
  cached ??= scan({ ...demoRequest(repoRoot), cwd: repoRoot });
  return cached;
}

/** The context the CLI gives the named format for the demo. */
export async function demoContext(format: string): Promise<{ scan: Scan; context: ReportContext }> {
  const result = await demoScan();
  return { scan: result, context: reportContext(result, { format, cwd: repoRoot }, false) };
}

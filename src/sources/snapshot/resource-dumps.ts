import { promises as fs } from 'node:fs';
import { basename } from 'node:path';
import { readPaths } from '../manifests/index.js';
import type { KubeObject, ScanGap } from '../types.js';
import type { ResourceDumpReport } from './types.js';

/** Files under a backup folder read as resource dumps rather than etcd snapshots. */
export function looksLikeDump(path: string): boolean {
  return /\.(ya?ml|json)$/i.test(basename(path));
}

/** `apps/Deployment`, `Pod`: a kind as dumps are compared by it. */
function kindKey(object: KubeObject): string {
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const kind = typeof object.kind === 'string' ? object.kind : 'Unknown';
  return group ? `${group}/${kind}` : kind;
}

/** The newest time an object says it was written: its managedFields entries, else its creation. */
function newestTime(object: KubeObject): { time: number; from: 'managedFields' | 'creationTimestamp' } | null {
  let best: { time: number; from: 'managedFields' | 'creationTimestamp' } | null = null;
  const managed = object.metadata?.managedFields;
  if (Array.isArray(managed)) {
    for (const entry of managed) {
      const text = entry && typeof entry === 'object' ? (entry as { time?: unknown }).time : undefined;
      const time = typeof text === 'string' ? Date.parse(text) : Number.NaN;
      if (!Number.isNaN(time) && (!best || time > best.time)) best = { time, from: 'managedFields' };
    }
  }
  const created = object.metadata?.creationTimestamp;
  const time = typeof created === 'string' ? Date.parse(created) : Number.NaN;
  if (!Number.isNaN(time) && (!best || time > best.time)) best = { time, from: 'creationTimestamp' };
  return best;
}

/**
 * Reads one dump. What cannot be read is a gap naming the file (and the
 * line, for a document that does not parse), so a dump is never judged on
 * part of what it holds: the resource-backup rules then skip it.
 */
export async function readResourceDump(file: string): Promise<{ report: ResourceDumpReport | null; gaps: ScanGap[] }> {
  const gaps: ScanGap[] = [];
  const st = await fs.stat(file).catch(() => null);
  if (!st) return { report: null, gaps: [{ what: file, reason: 'resource dump cannot be read: it is gone or not readable' }] };
  const read = await readPaths([file]);
  for (const gap of read.gaps) gaps.push({ what: gap.what, reason: `resource dump cannot be read: ${gap.reason}` });
  for (const problem of read.problems) {
    const at = problem.provenance;
    gaps.push({ what: `${at.file}:${at.line}:${at.column}`, reason: `resource dump cannot be read: ${problem.message}` });
  }
  if (gaps.length > 0) return { report: null, gaps };
  if (read.objects.length === 0) {
    const why = read.skipped.length > 0 ? `its ${read.skipped.length} document(s) are not Kubernetes objects` : 'it holds no objects';
    return { report: null, gaps: [{ what: file, reason: `not a resource dump: ${why} (a backup folder's .yaml and .json files are read as kubectl get -o yaml|json dumps)` }] };
  }
  const counts: Record<string, Record<string, number>> = {};
  let newest: { time: number; from: 'managedFields' | 'creationTimestamp' } | null = null;
  for (const { object } of read.objects) {
    const key = kindKey(object);
    const namespace = typeof object.metadata?.namespace === 'string' ? object.metadata.namespace : '';
    const perNamespace = (counts[key] ??= {});
    perNamespace[namespace] = (perNamespace[namespace] ?? 0) + 1;
    const time = newestTime(object);
    if (time && (!newest || time.time > newest.time)) newest = time;
  }
  return {
    report: {
      file,
      fileMtime: st.mtime.toISOString(),
      newestObjectTime: newest ? new Date(newest.time).toISOString() : null,
      newestObjectTimeFrom: newest?.from ?? null,
      objects: read.objects.length,
      counts,
    },
    gaps: [],
  };
}

import { jsonText } from './escape-json.js';
import { terminalText } from './escape-terminal.js';
import type { ResourceCount, SnapshotReport } from '../sources/snapshot/types.js';

/** Namespaces named per resource in the Kubernetes view; the rest are counted. */
const SHOWN_NAMESPACES = 3;

/**
 * `kcheck snapshot` text: per file, the table `etcdctl snapshot status -w table`
 * prints (same columns, widths and alignment, plus VERSION for etcd 3.6
 * snapshots as etcdutl 3.6 prints it, and VERDICT), then the trailer, problems
 * and the Kubernetes view.
 */
export function formatSnapshotTable(reports: readonly SnapshotReport[]): string {
  return reports.map(formatOne).join('\n');
}

/** `kcheck snapshot --format json`: `status` has exactly the keys of `etcdctl snapshot status -w json`. */
export function snapshotJson(reports: readonly SnapshotReport[]): string {
  return `${jsonText(reports.map(jsonOne))}\n`;
}

function jsonOne(r: SnapshotReport) {
  const etcd = r.etcd;
  return {
    file: r.file,
    fileSize: r.fileSize,
    fileMtime: r.fileMtime,
    verdict: r.verdict,
    problems: r.problems,
    warnings: r.warnings,
    notes: r.notes,
    status: etcd
      ? {
          hash: etcd.hash,
          revision: etcd.revision,
          totalKey: totalKeysColumn(etcd),
          totalSize: etcd.totalSize,
          ...(etcd.storageVersion ? { version: etcd.storageVersion } : {}),
        }
      : null,
    trailer: r.trailer,
    bbolt: r.bbolt ?? null,
    etcd: etcd ?? null,
    kubernetes: r.kubernetes ?? null,
  };
}

function formatOne(r: SnapshotReport): string {
  const e = r.etcd;
  const header = ['hash', 'revision', 'total keys', 'total size'];
  const row = e ? [e.hash.toString(16), String(e.revision), String(totalKeysColumn(e)), humanizeBytes(e.totalSize)] : ['-', '-', '-', '-'];
  if (e?.storageVersion) {
    header.push('version');
    row.push(terminalText(e.storageVersion));
  }
  header.push('verdict');
  row.push(r.verdict);
  const lines = [terminalText(r.file), ...renderTable(header, [row])];

  lines.push(`  file: ${r.fileSize} bytes, modified ${r.fileMtime}`);
  if (r.bbolt || r.trailer.present) lines.push(`  sha256 trailer: ${describeTrailer(r)}`);
  if (e) {
    const facts = [`latest revision ${e.latestRevision}`];
    if (e.compactRevision !== undefined) facts.push(`compacted at ${e.compactRevision}`);
    if (e.storageVersion) facts.push(`live keys ${e.liveKeys} (TOTAL KEYS, as etcdutl 3.6 counts them), bucket entries ${e.totalKeys} (TOTAL KEYS as etcdctl 3.4/3.5 count them)`);
    else facts.push(`bucket entries ${e.totalKeys} (TOTAL KEYS, as etcdctl 3.4/3.5 count them), live keys ${e.liveKeys} (TOTAL KEYS as etcdutl 3.6 counts them)`);
    if (e.consistentIndex !== undefined) facts.push(`consistent index ${e.consistentIndex}`);
    if (e.term !== undefined) facts.push(`term ${e.term}`);
    lines.push(`  etcd: ${facts.join(', ')}`);
    for (const m of e.members) {
      lines.push(`  member ${terminalText(m.name ?? '(unnamed)')} ${terminalText(m.id)}: peers ${terminalText(m.peerURLs.join(',')) || '-'}${m.isLearner ? ' (learner)' : ''}`);
    }
    if (!e.complete) lines.push('  figures cover only the readable part of the database');
  }
  if (r.problems.length > 0) {
    lines.push('  problems:');
    for (const p of r.problems) lines.push(`    - ${terminalText(p.message)}`);
  }
  if (r.warnings.length > 0) {
    lines.push('  warnings (damage etcd reads around: restore and etcd accept the file):');
    for (const w of r.warnings) lines.push(`    - ${terminalText(w.message)}`);
  }
  for (const note of r.notes) lines.push(`  note: ${terminalText(note)}`);
  if (r.kubernetes) lines.push(...formatKubernetes(r));
  return `${lines.join('\n')}\n`;
}

/**
 * TOTAL KEYS as the etcd that wrote the snapshot prints it: etcdctl 3.4/3.5
 * count every entry of every bucket; etcdutl 3.6 counts distinct live keys
 * (etcdutl/snapshot/v3_snapshot.go Status at v3.6.5, `ds.TotalKey =
 * len(seenKeys)`). A snapshot of etcd 3.6 carries meta/storageVersion.
 */
function totalKeysColumn(e: NonNullable<SnapshotReport['etcd']>): number {
  return e.storageVersion ? e.liveKeys : e.totalKeys;
}

function describeTrailer(r: SnapshotReport): string {
  const t = r.trailer;
  if (!t.present) return 'none (raw database copy)';
  if (t.matches === undefined) return 'present, not checked';
  return t.matches ? `matches (${t.computed?.slice(0, 16)}…)` : `DOES NOT MATCH (stored ${t.stored?.slice(0, 16)}…, content ${t.computed?.slice(0, 16)}…)`;
}

function formatKubernetes(r: SnapshotReport): string[] {
  const k = r.kubernetes!;
  if (k.liveKeys === 0) return ['  kubernetes: no live /registry/ keys: this is not a Kubernetes etcd (or it is empty)'];
  const v = k.values;
  const lines = [
    `  kubernetes: ${k.liveKeys} live objects under /registry/ (${v.protobuf} protobuf, ${v.encrypted} encrypted at rest, ${v.json} JSON, ${v.other} other)`,
  ];
  if (k.encryptionKeys.length > 0) {
    lines.push(`    encryption keys: ${k.encryptionKeys.map((x) => terminalText(`${x.provider}:${x.version}:${x.keyName} (${x.count})`)).join(', ')}`);
  }
  if (k.unencryptedSecrets > 0) lines.push(`    secrets stored without encryption at rest: ${k.unencryptedSecrets}`);
  const rows = k.resources.map((res) => [terminalText(res.resource), String(res.total), String(res.clusterScoped), namespaceSummary(res)]);
  lines.push(...renderTable(['resource', 'total', 'cluster-scoped', 'by namespace'], rows, ['left', 'right', 'right', 'left']).map((l) => `    ${l}`));
  return lines;
}

function namespaceSummary(res: ResourceCount): string {
  const entries = Object.entries(res.byNamespace).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (entries.length === 0) return '-';
  const shown = entries.slice(0, SHOWN_NAMESPACES).map(([ns, n]) => `${terminalText(ns)}=${n}`);
  if (entries.length > SHOWN_NAMESPACES) shown.push(`+${entries.length - SHOWN_NAMESPACES} more`);
  return shown.join(', ');
}

type Align = 'left' | 'right';

/**
 * The table etcdctl draws with olekukonko/tablewriter: upper-case headers
 * centred (the odd space goes right), cells right-aligned, one space of padding.
 */
function renderTable(header: string[], rows: string[][], align?: Align[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const border = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (cells: string[]) => `|${cells.map((c) => ` ${c} `).join('|')}|`;
  const head = line(
    header.map((h, i) => {
      const gap = widths[i]! - h.length;
      const left = Math.floor(gap / 2);
      return ' '.repeat(left) + h.toUpperCase() + ' '.repeat(gap - left);
    }),
  );
  const body = rows.map((row) =>
    line(widths.map((w, i) => ((align?.[i] ?? 'right') === 'right' ? (row[i] ?? '').padStart(w) : (row[i] ?? '').padEnd(w)))),
  );
  return [border, head, border, ...body, border];
}

/**
 * go-humanize Bytes, which etcdctl uses for TOTAL SIZE: SI units, one decimal
 * below 10, and Go's %.0f, which rounds a tie to even (20480 bytes is "20 kB").
 */
export function humanizeBytes(bytes: number): string {
  const sizes = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  if (bytes < 10) return `${bytes} B`;
  const e = Math.floor(Math.log(bytes) / Math.log(1000));
  const val = Math.floor((bytes / 1000 ** e) * 10 + 0.5) / 10;
  const suffix = sizes[e] ?? '?';
  return val < 10 ? `${val.toFixed(1)} ${suffix}` : `${roundHalfEven(val)} ${suffix}`;
}

function roundHalfEven(x: number): string {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff === 0.5) return String(floor % 2 === 0 ? floor : floor + 1);
  return String(Math.round(x));
}

/**
 * When a snapshot was taken, read from its file name as backup jobs write it:
 *
 * - `etcd-snapshot-2026-11-12T03:00:00Z.db`, `2026-11-12T0300Z`, `20261112T030000Z`,
 *   `2026-11-12_03-00-00`, `20261112-030000`, `2026-11-12-0300` (date and time, seconds optional);
 *   a `Z` or `+hh:mm` zone is honoured, a name without one is read as UTC;
 * - a date alone (`snapshot-2026-11-12.db`, `20261112`): the end of that day (UTC), so a
 *   daily snapshot is never judged older than it may be;
 * - a Unix time in seconds (`etcd-snapshot-cp-1-1731380400`, as k3s and RKE2 name theirs).
 *
 * The name beats the file's modification time: a copy (`cp`, `rsync` without
 * `-t`, a git checkout, a restore from object storage) resets the time, the name keeps it.
 */
export function timeInName(fileName: string): Date | null {
  const name = fileName.replace(/\.(db|snapshot|snap|bak|part)$/i, '');
  return dateTime(name) ?? dateOnly(name) ?? unixTime(name);
}

const DATE_TIME =
  /(?<!\d)(\d{4})(-?)(\d{2})\2(\d{2})[T_ -]?(\d{2})([:\-]?)(\d{2})(?:\6(\d{2})(?:\.\d+)?)?(?!\d)(Z|[+-]\d{2}:?\d{2})?/i;
const DATE = /(?<!\d)(\d{4})(-?)(\d{2})\2(\d{2})(?!\d)/;
const UNIX = /(?<!\d)(1[5-9]\d{8})(?!\d)/;

function dateTime(name: string): Date | null {
  for (const m of matches(name, DATE_TIME)) {
    const [, year, , month, day, hour, , minute, second, zone] = m;
    const date = build(year!, month!, day!, hour!, minute!, second ?? '00', zone);
    if (date) return date;
  }
  return null;
}

function dateOnly(name: string): Date | null {
  for (const m of matches(name, DATE)) {
    const date = build(m[1]!, m[3]!, m[4]!, '23', '59', '59', 'Z');
    if (date) return date;
  }
  return null;
}

function unixTime(name: string): Date | null {
  const m = UNIX.exec(name);
  return m ? new Date(Number(m[1]) * 1000) : null;
}

function* matches(text: string, pattern: RegExp): Generator<RegExpExecArray> {
  const global = new RegExp(pattern.source, `${pattern.flags}g`);
  for (let m = global.exec(text); m; m = global.exec(text)) {
    yield m;
    global.lastIndex = m.index + 1;
  }
}

function build(year: string, month: string, day: string, hour: string, minute: string, second: string, zone: string | undefined): Date | null {
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  if (y < 2000 || y > 2099 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(utc);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  return new Date(utc - offsetMinutes(zone) * 60_000);
}

function offsetMinutes(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

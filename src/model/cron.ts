/**
 * Velero's Schedule runs on `spec.schedule`, parsed with robfig/cron v3's
 * ParseStandard (velero pkg/controller/schedule_controller.go:199, v1.18.1;
 * github.com/robfig/cron/v3 v3.0.1 in its go.mod): five fields (minute, hour,
 * day of month, month, day of week) or a descriptor (`@daily`, `@every 6h`),
 * optionally after `CRON_TZ=Zone ` or `TZ=Zone `. This reads the same grammar
 * (robfig/cron v3 parser.go) to learn how far apart two runs can be.
 */

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = {
  min: 1,
  max: 12,
  names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
};
const DOW: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

/** robfig/cron v3 parser.go parseDescriptor. */
const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

interface Field {
  values: Set<number>;
  /** robfig's starBit: the field was `*` or `?` without a step (it changes how day of month and day of week combine). */
  star: boolean;
}

class CronError extends Error {}

function number(text: string, bounds: Bounds, expr: string): number {
  const named = bounds.names?.[text.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^\d+$/.test(text)) throw new CronError(`failed to parse int from ${text} in "${expr}"`);
  return Number(text);
}

/** robfig/cron v3 parser.go getRange: `*`, `?`, `N`, `N-M`, each with an optional `/step`. */
function range(expr: string, bounds: Bounds, field: Field): void {
  const [rangePart = '', stepPart, extra] = expr.split('/');
  if (extra !== undefined) throw new CronError(`too many slashes: ${expr}`);
  let start: number;
  let end: number;
  let star = false;
  if (rangePart === '*' || rangePart === '?') {
    start = bounds.min;
    end = bounds.max;
    star = true;
  } else {
    const [low = '', high, more] = rangePart.split('-');
    if (more !== undefined) throw new CronError(`too many hyphens: ${expr}`);
    start = number(low, bounds, expr);
    end = high === undefined ? start : number(high, bounds, expr);
  }
  let step = 1;
  if (stepPart !== undefined) {
    if (!/^\d+$/.test(stepPart)) throw new CronError(`failed to parse int from ${stepPart} in "${expr}"`);
    step = Number(stepPart);
    // `N/step` means `N-max/step`.
    if (!rangePart.includes('-') && !star) end = bounds.max;
    if (step > 1) star = false;
  }
  if (start < bounds.min) throw new CronError(`beginning of range (${start}) below minimum (${bounds.min}): ${expr}`);
  if (end > bounds.max) throw new CronError(`end of range (${end}) above maximum (${bounds.max}): ${expr}`);
  if (start > end) throw new CronError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronError(`step of range should be a positive number: ${expr}`);
  for (let v = start; v <= end; v += step) field.values.add(v);
  if (star) field.star = true;
}

function parseField(text: string, bounds: Bounds): Field {
  const field: Field = { values: new Set(), star: false };
  for (const part of text.split(',')) range(part, bounds, field);
  return field;
}

/** A Go duration (`1h30m`, `90s`, `1.5h`), in milliseconds; null when it is not one. */
function goDuration(text: string): number | null {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(text)) return null;
  let ms = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(m[1]) * units[m[2]!]!;
  return ms;
}

const DAY_MS = 86_400_000;
/** Eight years from a leap year: long enough for a schedule on 29 February (robfig looks five years ahead). */
const SPAN_START = Date.UTC(2024, 0, 1);
const SPAN_DAYS = 8 * 365 + 2;

/**
 * robfig/cron v3 spec.go dayMatches: when day of month or day of week is
 * `*`, both must match; otherwise either one does.
 */
function dayMatches(dom: Field, dow: Field, date: Date): boolean {
  const domMatch = dom.values.has(date.getUTCDate());
  const dowMatch = dow.values.has(date.getUTCDay());
  return dom.star || dow.star ? domMatch && dowMatch : domMatch || dowMatch;
}

export type CronInterval = { ok: true; intervalMs: number } | { ok: false; error: string };

/**
 * The longest time between two runs of a Schedule's cron expression. Zones
 * (`CRON_TZ=`) shift runs but not the time between them, except around a
 * daylight-saving change, which this ignores.
 */
export function cronInterval(expression: string): CronInterval {
  try {
    let spec = expression.trim();
    if (spec === '') throw new CronError('empty spec string');
    if (/^(CRON_)?TZ=/.test(spec)) {
      const space = spec.indexOf(' ');
      if (space === -1) throw new CronError(`missing spec after the time zone: ${spec}`);
      spec = spec.slice(space + 1).trim();
    }
    if (spec.startsWith('@every ')) {
      const ms = goDuration(spec.slice('@every '.length).trim());
      if (ms === null) throw new CronError(`failed to parse duration ${spec}`);
      // robfig/cron v3 constantdelay.go Every: at least a second, rounded down to whole seconds.
      return { ok: true, intervalMs: Math.max(1_000, Math.floor(ms / 1_000) * 1_000) };
    }
    if (spec.startsWith('@')) {
      const descriptor = DESCRIPTORS[spec];
      if (!descriptor) throw new CronError(`unrecognized descriptor: ${spec}`);
      spec = descriptor;
    }
    const fields = spec.split(/\s+/);
    if (fields.length !== 5) throw new CronError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
    const [minute, hour, dom, month, dow] = [
      parseField(fields[0]!, MINUTES),
      parseField(fields[1]!, HOURS),
      parseField(fields[2]!, DOM),
      parseField(fields[3]!, MONTHS),
      parseField(fields[4]!, DOW),
    ];
    // The runs of one matching day, in minutes after midnight.
    const offsets = [...hour.values].flatMap((h) => [...minute.values].map((m) => h * 60 + m)).sort((a, b) => a - b);
    let longest = 0;
    for (let i = 1; i < offsets.length; i += 1) longest = Math.max(longest, offsets[i]! - offsets[i - 1]!);
    let previousDay: number | null = null;
    for (let day = 0; day < SPAN_DAYS; day += 1) {
      const date = new Date(SPAN_START + day * DAY_MS);
      if (!month.values.has(date.getUTCMonth() + 1) || !dayMatches(dom, dow, date)) continue;
      if (previousDay !== null) longest = Math.max(longest, (day - previousDay) * 1440 + offsets[0]! - offsets[offsets.length - 1]!);
      previousDay = day;
    }
    if (previousDay === null) throw new CronError(`"${expression}" never runs: no day matches it`);
    // A schedule that runs on one day only in the whole span: at least the span apart.
    if (longest === 0) longest = SPAN_DAYS * 1440;
    return { ok: true, intervalMs: longest * 60_000 };
  } catch (error) {
    if (error instanceof CronError) return { ok: false, error: error.message };
    throw error;
  }
}

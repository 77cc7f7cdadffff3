/**
 * Billing-cycle dates. A cycle starts at local midnight of the anchor day in the workspace's
 * time zone; in a month shorter than the anchor day it starts on the month's last day.
 * The cycle ends (exclusive) where the next one starts. Pure: no clock, no database.
 */

export interface CycleWindow {
  start: Date;
  end: Date;
}

interface LocalDate {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Wall-clock fields of an instant in a time zone. */
function wallClock(instantMs: number, timeZone: string) {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** Offset of the time zone from UTC at an instant, in milliseconds (local - UTC). */
function offsetAt(instantMs: number, timeZone: string): number {
  const w = wallClock(instantMs, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

/**
 * The instant of local midnight on a date in a time zone. Where midnight does not exist
 * (a DST gap at midnight), the first instant of that day: the end of the gap.
 */
export function localMidnight(date: LocalDate, timeZone: string): Date {
  const wall = Date.UTC(date.year, date.month - 1, date.day);
  let guess = wall - offsetAt(wall, timeZone);
  const corrected = wall - offsetAt(guess, timeZone);
  if (corrected !== guess) guess = corrected;
  const w = wallClock(guess, timeZone);
  if (w.year !== date.year || w.month !== date.month || w.day !== date.day) {
    // In a gap: the guess landed on the day before; step to the first instant of the day.
    const later = wall - Math.min(offsetAt(wall - 86_400_000, timeZone), offsetAt(wall + 86_400_000, timeZone));
    return new Date(later);
  }
  return new Date(guess);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function addMonths(year: number, month: number, delta: number): { year: number; month: number } {
  const index = year * 12 + (month - 1) + delta;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

function anchorIn(year: number, month: number, anchorDay: number): LocalDate {
  return { year, month, day: Math.min(anchorDay, daysInMonth(year, month)) };
}

/** The cycle that contains `now`: [start, end). */
export function cycleWindow(now: Date, anchorDay: number, timeZone: string): CycleWindow {
  if (!Number.isInteger(anchorDay) || anchorDay < 1 || anchorDay > 31) throw new RangeError(`anchor day ${anchorDay}`);
  const local = wallClock(now.getTime(), timeZone);
  let start = anchorIn(local.year, local.month, anchorDay);
  let startAt = localMidnight(start, timeZone);
  if (now.getTime() < startAt.getTime()) {
    const prev = addMonths(local.year, local.month, -1);
    start = anchorIn(prev.year, prev.month, anchorDay);
    startAt = localMidnight(start, timeZone);
  }
  const next = addMonths(start.year, start.month, 1);
  return { start: startAt, end: localMidnight(anchorIn(next.year, next.month, anchorDay), timeZone) };
}

/** One year after an instant, as add-on validity counts it (Feb 29 + 1 year = Feb 28). */
export function oneYearAfter(instant: Date): Date {
  const d = new Date(instant.getTime());
  const month = d.getUTCMonth();
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  if (d.getUTCMonth() !== month) d.setUTCDate(0);
  return d;
}

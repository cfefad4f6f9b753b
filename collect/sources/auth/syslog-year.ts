import { BoundedMap } from "./sessions";
import { classicSyslogYear, monthNumber, wallClockToMs } from "./time";

/**
 * Years for classic syslog timestamps (`Nov 22 08:01:02`), per file.
 *
 * The first line of a file takes the latest year that does not put it after
 * the file's anchor: its modification time when the collector knows it (an
 * auth.log.1 from 2019 read today is dated 2019), else now. Each later line
 * keeps the year of the line before unless that would move time back by more
 * than ROLL_MS — then the year rolled over (Dec 31 → Jan 1 while tailing) —
 * or forward by more than ROLL_MS (a late December line after January's).
 * Syslog lines arrive a few seconds out of order, never half a year.
 */
const ROLL_MS = 180 * 86_400_000;
/** Files are few (a tail source and its rotations); 16 remembered is plenty. */
const MAX_FILES = 16;

interface FileYear {
  year: number;
  lastMs: number;
}

export class SyslogYears {
  private readonly files = new BoundedMap<FileYear>(MAX_FILES);

  /** Epoch ms of the timestamp in `timeZone`, or undefined for an impossible date. */
  resolve(file: string, monthName: string, day: number, hms: readonly [number, number, number], anchor: () => Date, timeZone: string): number | undefined {
    const month = monthNumber(monthName);
    if (month === 0) return undefined;
    const state = this.files.get(file);
    let resolved: { ms: number; year: number } | undefined;
    if (state) resolved = this.progress(state, month, day, hms, timeZone);
    resolved ??= classicSyslogYear(month, day, hms, anchor(), timeZone);
    if (resolved === undefined) return undefined;
    this.files.set(file, { year: resolved.year, lastMs: resolved.ms });
    return resolved.ms;
  }

  private progress(state: FileYear, month: number, day: number, hms: readonly [number, number, number], timeZone: string): { ms: number; year: number } | undefined {
    const at = (year: number) => wallClockToMs({ year, month, day, hour: hms[0], minute: hms[1], second: hms[2], ms: 0 }, timeZone);
    const same = at(state.year);
    // Feb 29 in a year without one: let the anchor rule walk back to a leap year.
    if (same === undefined) return undefined;
    if (same < state.lastMs - ROLL_MS) {
      const next = at(state.year + 1);
      return next === undefined ? undefined : { ms: next, year: state.year + 1 };
    }
    if (same > state.lastMs + ROLL_MS) {
      const previous = at(state.year - 1);
      return previous === undefined ? undefined : { ms: previous, year: state.year - 1 };
    }
    return { ms: same, year: state.year };
  }
}

import { MAPPINGS } from "./mappings";
import { oncallAt } from "./org";
import { planDay } from "./day";
import { incident, type IncidentRecord } from "./incident";
import { DAY, HOUR, MINUTE, Sim, type DemoEvent } from "./sim";
import type { DemoTruth } from "./truth";

export type { DemoTruth, TruthChange, TruthState } from "./truth";
export { MAPPINGS, type PathMapping } from "./mappings";
export type { DemoEvent } from "./sim";

/**
 * The demo fleet as a pure generator: no network, no clock. Same seed and
 * same anchor (`now`) → byte-identical events. Days are generated one at a
 * time, so memory holds one day's events plus the simulation's state.
 */
export interface GeneratorOptions {
  seed: number;
  /** The anchor: the backfill ends here; live generation continues after it. */
  now: Date;
  backfillDays: number;
}

export interface Batch {
  from: string;
  to: string;
  events: DemoEvent[];
}

export class DemoGenerator {
  readonly sim: Sim;
  readonly start: number;
  readonly now: number;
  private planned: number;
  private done: number;
  private incidentRecord: IncidentRecord | undefined;
  private readonly incidentAt: number;

  constructor(readonly options: GeneratorOptions) {
    this.now = options.now.getTime();
    if (!Number.isFinite(this.now)) throw new RangeError("demo: `now` is not a valid date");
    if (!Number.isInteger(options.backfillDays) || options.backfillDays < 0) throw new RangeError("demo: backfillDays must be a whole number ≥ 0");
    // The window starts at a UTC midnight so days line up with dashboards' days.
    this.start = Math.floor((this.now - options.backfillDays * DAY) / DAY) * DAY;
    this.sim = new Sim(options.seed, this.start);
    this.sim.provision(this.sim.rng("provision"));
    this.planned = this.start;
    this.done = this.start;
    // The incident: 02:40 UTC three days before the anchor's day (the first day if the window is shorter).
    const anchorDay = Math.floor(this.now / DAY) * DAY;
    this.incidentAt = Math.max(this.start, anchorDay - 3 * DAY) + 2 * HOUR + 40 * MINUTE;
  }

  /** The backfill, oldest first: one batch per UTC day, the last one ending at `now`. */
  *backfill(): Generator<Batch> {
    while (this.done < this.now) yield this.advance(Math.min(this.done + DAY, this.now));
  }

  /** Continues the simulation to `end` (after the backfill: live). */
  advance(end: number): Batch {
    const from = this.done;
    while (this.planned < end) {
      const dayStart = this.planned;
      this.sim.sched.at(dayStart, () => planDay(this.sim, dayStart, this.incidentAt, (t) => (this.incidentRecord = incident(this.sim, this.sim.rng("incident"), t))));
      this.planned += DAY;
    }
    this.sim.sched.runUntil(end);
    this.done = end;
    return { from: new Date(from).toISOString(), to: new Date(end).toISOString(), events: this.sim.drain(end).map((e) => e.event) };
  }

  /** Ground truth of everything generated so far. */
  truth(): DemoTruth {
    const { changes, counts } = this.sim.truth.finish();
    const oncall: DemoTruth["oncall"] = [];
    for (let t = this.start; t < Math.max(this.done, this.start + 1); ) {
      const shift = oncallAt(this.sim.org, t);
      oncall.push({ actor_id: shift.person.actor_id, from: new Date(shift.from).toISOString(), to: new Date(shift.to).toISOString() });
      t = shift.to;
    }
    const inc = this.incidentRecord;
    return {
      generator: "prodtrail-demo",
      seed: this.options.seed,
      anchor: new Date(this.now).toISOString(),
      window: { from: new Date(this.start).toISOString(), to: new Date(this.done).toISOString() },
      mappings: MAPPINGS,
      repos: Object.values(this.sim.repos).map((r) => ({ name: r.name, commits: r.commits.length, head: r.head().sha })),
      oncall,
      incident: inc && { ...inc, from: new Date(inc.from).toISOString(), to: new Date(inc.to).toISOString() },
      counts,
      changes,
    };
  }
}

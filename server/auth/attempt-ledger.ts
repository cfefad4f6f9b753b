import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { Store } from "../../store/open";
import { defineQuery, insertRows } from "../../store/query";
import { SIGN_IN_LIMITS, type RateLimitOptions, pairKey, ipKey } from "./rate-limit";

/**
 * The sign-in limit across dashboard processes that share one store (scale
 * mode runs several stateless dashboards). Each attempt first appends a
 * `reserved` row per key (pair, IP) to sign_in_attempts, *then* reads the
 * window back, and goes ahead only if at most `limit` reservations are
 * live, counting its own. Times are the ClickHouse server's (`now64()`, a
 * column default), one clock for every process.
 *
 * What holds: on one ClickHouse server (and embedded mode) an insert
 * acknowledged with async_insert=0 is visible to every later read. Order the
 * attempts that went ahead by when their insert was acknowledged: the n-th
 * read after its own insert, so it saw the n-1 before it and itself — n
 * live rows, hence n <= limit. So at most `limit` passwords are checked per
 * window, however the requests interleave across processes. Refusals can
 * be early (two racing attempts may both see each other and both stop),
 * never late. On a replicated cluster the same needs reads that see every
 * acknowledged insert (insert_quorum with select_sequential_consistency);
 * without them a read from a lagging replica can admit more.
 *
 * A success writes `succeeded` (the pair starts afresh after it and the
 * attempt leaves the IP window); an attempt refused here, or whose check
 * never ran, writes `cancelled`. A reservation with neither is a failure.
 */
export type LedgerState = "reserved" | "succeeded" | "cancelled";

const windowQuery = defineQuery({
  name: "auth.sign_in_attempts.window",
  params: z.object({ keys: z.array(z.string()), window_ms: z.number().int().positive() }),
  row: z.object({ key: z.string(), attempt_id: z.string(), state: z.enum(["reserved", "succeeded", "cancelled"]), at_ms: z.coerce.number(), now_ms: z.coerce.number() }),
  sql: (t) => `
    SELECT key, attempt_id, state, toUnixTimestamp64Milli(at) AS at_ms, toUnixTimestamp64Milli(now64(3)) AS now_ms
    FROM ${t.sign_in_attempts}
    WHERE key IN {keys:Array(String)} AND at > now64(3) - toIntervalMillisecond({window_ms:UInt64})
    ORDER BY at`,
});

type WindowRow = z.output<typeof windowQuery.definition.row>;

/** Times of the live reservations of one key: not succeeded nor cancelled, and for a pair, made after its last success. */
export function liveReservations(rows: readonly WindowRow[], key: string): number[] {
  const mine = rows.filter((r) => r.key === key);
  const settled = new Set(mine.filter((r) => r.state !== "reserved").map((r) => r.attempt_id));
  const lastSuccess = key.startsWith("pair ") ? Math.max(0, ...mine.filter((r) => r.state === "succeeded").map((r) => r.at_ms)) : 0;
  return mine.filter((r) => r.state === "reserved" && !settled.has(r.attempt_id) && r.at_ms > lastSuccess).map((r) => r.at_ms);
}

export interface LedgerReservation {
  readonly attemptId: string;
  readonly keys: readonly string[];
}

export class AttemptLedger {
  constructor(
    private readonly store: Store,
    private readonly options: RateLimitOptions = SIGN_IN_LIMITS,
  ) {}

  private async write(attemptId: string, keys: readonly string[], state: LedgerState): Promise<void> {
    await insertRows(this.store, { table: "sign_in_attempts", rows: keys.map((key) => ({ key, attempt_id: attemptId, state })) });
  }

  async reserve(ip: string, email: string): Promise<{ allowed: true; reservation: LedgerReservation } | { allowed: false; retryAfterMs: number }> {
    const limits: Array<[string, number]> = [[pairKey(ip, email), this.options.perPair], [ipKey(ip), this.options.perIp]];
    const reservation: LedgerReservation = { attemptId: randomBytes(12).toString("hex"), keys: limits.map(([key]) => key) };
    await this.write(reservation.attemptId, reservation.keys, "reserved");
    const rows = await windowQuery(this.store, { keys: [...reservation.keys], window_ms: this.options.windowMs });
    const now = rows[0]?.now_ms ?? Date.now();
    let wait = 0;
    for (const [key, limit] of limits) {
      const live = liveReservations(rows, key);
      // Over the limit: this attempt waits until enough of the others leave the window for it to be the limit-th.
      if (live.length > limit) wait = Math.max(wait, (live[live.length - limit - 1] ?? now) + this.options.windowMs - now, 1);
    }
    if (wait === 0) return { allowed: true, reservation };
    await this.write(reservation.attemptId, reservation.keys, "cancelled");
    return { allowed: false, retryAfterMs: wait };
  }

  async settle(reservation: LedgerReservation, state: Exclude<LedgerState, "reserved">): Promise<void> {
    await this.write(reservation.attemptId, reservation.keys, state);
  }
}

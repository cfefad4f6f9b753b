import type { Logger } from "pino";
import type { Store } from "../../store/open";
import { insertRows } from "../../store/query";

/**
 * Refusals that matter to security — a key writing as another collector or
 * host, anyone filing a record only the server writes, a signing key
 * registered without an enrolment token — become integrity findings
 * (table `findings`, detector "integrity"), so the security team sees the
 * attempt and not only the writer its 403.
 *
 * Bounded, so a flood cannot fill the table: one finding per writer, kind
 * and hour (a deterministic id; ReplacingMergeTree keeps the last version),
 * rewritten with the running count at most once a minute. Writers are API
 * key names or "loopback" — unknown keys are refused (401) before anything
 * is recorded — so 10,000 refused requests a second from one key cost one
 * insert a minute and 24 rows a day.
 */
export type RefusalKind = "server-only" | "identity" | "enrolment";

export interface Refusal {
  kind: RefusalKind;
  /** The API key's name, or "loopback" for an unauthenticated local post. */
  writer: string;
  /** What was claimed and why it was refused, e.g. "events[0].host: db-01 is not a host of key web-02". */
  detail: string;
  eventIds?: readonly string[];
  /** The host the refused write claimed, when one. */
  host?: string;
  remote?: string;
}

const HOUR_MS = 3_600_000;
/** Rewrites of one finding's count: at most one insert a minute per writer and kind. */
const REWRITE_MS = 60_000;
/** Event ids kept per finding: enough to look the attempt up, never a copy of the flood. */
const MAX_EVENT_IDS = 20;

const SEVERITY: Record<RefusalKind, string> = { "server-only": "high", identity: "high", enrolment: "medium" };
const TITLE: Record<RefusalKind, string> = {
  "server-only": "refused records only the server writes",
  identity: "refused writes as another collector or host",
  enrolment: "refused collector key registration without a valid enrolment token",
};

interface Tally {
  findingId: string;
  bucket: number;
  count: number;
  first: Refusal;
  eventIds: string[];
  writtenAt: number;
  writing: boolean;
}

export interface RefusalRecorder {
  record(refusal: Refusal): void;
  /** Resolves when every pending write has finished (tests, shutdown). */
  flush(): Promise<void>;
}

export function refusalFindingId(kind: RefusalKind, writer: string, at: number): string {
  return `integrity-refusal:${kind}:${writer}:${new Date(Math.floor(at / HOUR_MS) * HOUR_MS).toISOString()}`;
}

export function createRefusalRecorder(store: Store, log: Logger, now: () => number = Date.now): RefusalRecorder {
  const tallies = new Map<string, Tally>();
  const pending = new Set<Promise<void>>();

  const write = (t: Tally): void => {
    t.writing = true;
    t.writtenAt = now();
    const at = new Date(t.bucket).toISOString();
    const row = {
      finding_id: t.findingId,
      detector: "integrity",
      severity: SEVERITY[t.first.kind],
      title: `${TITLE[t.first.kind]} from ${t.first.writer} (${t.count} in this hour)`,
      detail: `first: ${t.first.detail}${t.first.remote ? ` (from ${t.first.remote})` : ""}`.slice(0, 2000),
      env: "prodtrail",
      host: t.first.host ?? "",
      service: "gateway",
      actor_id: t.first.writer,
      occurred_at: at,
      event_ids: t.eventIds,
      status: "open",
      created_at: at,
      updated_at: new Date(t.writtenAt).toISOString(),
      // Rewrites are ≥ REWRITE_MS apart, so the time alone orders the versions.
      version: t.writtenAt,
    };
    const done = insertRows(store, { table: "findings", rows: [row] })
      .catch((error: unknown) => log.error({ err: error, finding_id: t.findingId }, "refusal finding could not be written"))
      .finally(() => {
        t.writing = false;
        pending.delete(done);
      });
    pending.add(done);
  };

  return {
    record(refusal) {
      const at = now();
      const findingId = refusalFindingId(refusal.kind, refusal.writer, at);
      const bucket = Math.floor(at / HOUR_MS) * HOUR_MS;
      for (const [id, t] of tallies) if (t.bucket < bucket) tallies.delete(id);
      let t = tallies.get(findingId);
      log.warn({ kind: refusal.kind, writer: refusal.writer, remote: refusal.remote, detail: refusal.detail.slice(0, 500) }, "write refused and recorded");
      if (t === undefined) {
        t = { findingId, bucket, count: 0, first: refusal, eventIds: [], writtenAt: 0, writing: false };
        tallies.set(findingId, t);
      }
      t.count += 1;
      for (const id of refusal.eventIds ?? []) if (t.eventIds.length < MAX_EVENT_IDS && !t.eventIds.includes(id)) t.eventIds.push(id);
      if (!t.writing && (t.count === 1 || at - t.writtenAt >= REWRITE_MS)) write(t);
    },
    async flush() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}

import { mkdir, open } from "node:fs/promises";
import { join } from "node:path";
import type { AuditEvent } from "../../schemas";
import type { Logger } from "../../lib/log";
import { HttpSinkRejectedError } from "../sinks/http-sink";
import { KafkaSinkError } from "../sinks/kafka-sink";
import type { Sink } from "../sink";
import type { UndecodableRecord } from "../spool/shipper";

export interface Rejection {
  event: AuditEvent;
  reasons: Array<{ field: string; message: string }>;
}

/**
 * The shipper's publish: events the sink refuses for good are written with
 * their reasons to `<state_dir>/rejected/<timestamp>.jsonl` (fsynced, kept,
 * logged at error) and the rest is published; the batch is then acked.
 * Retrying a refused event would block the stream forever; dropping it would
 * lose an audit record. Anything else (outage, 5xx, 401) is thrown: the
 * shipper retries with backoff and the spool keeps the events.
 */
export function publishWithRejects(sink: Sink, rejectedDir: string, log: Logger): (events: AuditEvent[]) => Promise<void> {
  const write = (r: Rejection[]): Promise<void> => writeRejected(rejectedDir, r, log);
  const publish = async (events: AuditEvent[]): Promise<void> => {
    if (events.length === 0) return;
    try {
      await sink.publish(events);
    } catch (err) {
      if (err instanceof HttpSinkRejectedError) {
        const byIndex = new Map(err.rejected.map((r) => [r.index, r.issues]));
        if (byIndex.size === 0) {
          // The request as a whole was refused: find the culprits by halves.
          if (events.length === 1 && events[0]) return write([{ event: events[0], reasons: err.issues }]);
          return bisect(events, publish);
        }
        await write(events.flatMap((event, i) => { const reasons = byIndex.get(i); return reasons ? [{ event, reasons }] : []; }));
        return publish(events.filter((_, i) => !byIndex.has(i)));
      }
      if (err instanceof KafkaSinkError && err.refusesTheEvents) {
        if (events.length === 1 && events[0]) return write([{ event: events[0], reasons: [{ field: "(kafka)", message: err.message }] }]);
        return bisect(events, publish);
      }
      throw err;
    }
  };
  return publish;
}

async function bisect(events: AuditEvent[], publish: (e: AuditEvent[]) => Promise<void>): Promise<void> {
  const mid = Math.ceil(events.length / 2);
  await publish(events.slice(0, mid));
  await publish(events.slice(mid));
}

let sequence = 0;

/** One new fsynced `<timestamp>-<pid>-<n>.jsonl` of `lines` under `dir`; returns its path. */
async function writeLines(dir: string, lines: readonly object[]): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  sequence += 1;
  const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}-${process.pid}-${sequence}.jsonl`);
  const fh = await open(file, "wx", 0o600);
  try {
    await fh.writeFile(`${lines.map((l) => JSON.stringify(l)).join("\n")}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  return file;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The shipper's setAside: spool records the decoder refuses (spooled by an
 * older collector, refused by today's schema) go to the same rejected
 * directory as `{ rejected_at, reasons, seq, payload, payload_encoding }`.
 */
export function setAsideUndecodable(rejectedDir: string, log: Logger): (records: UndecodableRecord[]) => Promise<void> {
  return async (records) => {
    if (records.length === 0) return;
    const at = new Date().toISOString();
    const file = await writeLines(
      rejectedDir,
      records.map((r) => {
        let payload: string;
        let encoding: "utf8" | "base64" = "utf8";
        try {
          payload = utf8.decode(r.payload);
        } catch {
          payload = r.payload.toString("base64");
          encoding = "base64";
        }
        return { rejected_at: at, reasons: [{ field: "(spool record)", message: r.error }], seq: r.seq, payload, payload_encoding: encoding };
      }),
    );
    log.error({ rejected: records.length, file, seqs: records.map((r) => r.seq) }, "undecodable spool records kept in the rejected file, not shipped");
  };
}

export async function writeRejected(dir: string, rejections: readonly Rejection[], log: Logger): Promise<void> {
  if (rejections.length === 0) return;
  const now = new Date();
  const file = await writeLines(dir, rejections.map((r) => ({ rejected_at: now.toISOString(), reasons: r.reasons, event: r.event })));
  const first = rejections[0]?.reasons[0];
  log.error(
    { rejected: rejections.length, file, first_reason: first ? `${first.field}: ${first.message}` : undefined },
    "sink refused events for good: kept in the rejected file, not retried (fix the collector, then re-send them with the file's events)",
  );
}

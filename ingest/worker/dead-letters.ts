import { createHash } from "node:crypto";
import type { OutgoingMessage } from "../kafka";
import { DEAD_LETTER_HEADERS } from "../topics";
import { insertRows } from "../../store/query";
import type { Store } from "../../store/open";
import type { DeadLetterReason } from "./classify";
import type { Refusal } from "./batcher";
import type { IncomingMessage } from "../kafka";

export interface DeadLetter {
  message: IncomingMessage;
  /** classify's reasons, and the store's final refusals (batcher.ts Refusal): conflict, store_refused. */
  reason: DeadLetterReason | Refusal["reason"];
  detail: string;
}

/** The DLQ copy: original key, original bytes, original headers plus where it came from and why. */
export function toDlqMessage(d: DeadLetter, failedAt: string): OutgoingMessage {
  const m = d.message;
  return {
    key: m.key === null ? null : m.key.toString("utf8"),
    value: m.value ?? Buffer.alloc(0),
    headers: {
      ...m.headers,
      [DEAD_LETTER_HEADERS.originalTopic]: m.topic,
      [DEAD_LETTER_HEADERS.originalPartition]: String(m.partition),
      [DEAD_LETTER_HEADERS.originalOffset]: m.offset,
      [DEAD_LETTER_HEADERS.reason]: d.reason,
      [DEAD_LETTER_HEADERS.detail]: d.detail.slice(0, 1000),
      [DEAD_LETTER_HEADERS.failedAt]: failedAt,
    },
  };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A dead_letters row (store/migrations/0006_dead_letters.sql). */
export function toDeadLetterRow(d: DeadLetter): Record<string, unknown> {
  const m = d.message;
  const bytes = m.value ?? Buffer.alloc(0);
  let payload: string;
  let encoding: "utf8" | "base64";
  try {
    payload = utf8.decode(bytes);
    encoding = "utf8";
  } catch {
    payload = bytes.toString("base64");
    encoding = "base64";
  }
  return {
    // Same message, same id: a redelivered poison message collapses to one row.
    dead_letter_id: createHash("sha256").update(`${m.topic}\0${m.partition}\0${m.offset}`).digest("hex").slice(0, 32),
    source: "kafka",
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    key: m.key === null ? "" : m.key.toString("utf8"),
    headers: m.headers,
    reason: d.reason,
    detail: d.detail,
    payload,
    payload_encoding: encoding,
    payload_bytes: bytes.length,
  };
}

/** Insert with a token from the messages' coordinates: the same poison batch redelivered is dropped at insert. */
export async function insertDeadLetters(store: Store, letters: readonly DeadLetter[]): Promise<void> {
  if (letters.length === 0) return;
  const rows = letters.map(toDeadLetterRow);
  const token = createHash("sha256");
  for (const r of rows) token.update(String(r.dead_letter_id)).update("\n");
  await insertRows(store, { table: "dead_letters", rows, deduplicationToken: `dlq-${token.digest("hex")}` });
}

import { StoreError } from "./errors";
import type { Conflict } from "./first-write";

/**
 * Offered events whose ids the store holds with other content: refused, the
 * originals untouched. Final, not an outage: resending cannot succeed. The
 * gateway answers 409 naming the ids; the ingest worker dead-letters them.
 */
export class EventConflictError extends Error {
  override readonly name = "EventConflictError";
  constructor(readonly conflicts: readonly Conflict[]) {
    const ids = conflicts.map((c) => c.event_id);
    const shown = ids.slice(0, 10).join(", ") + (ids.length > 10 ? ` and ${ids.length - 10} more` : "");
    super(
      `${conflicts.length} event(s) conflict with a stored event of the same event_id and different content: ${shown}. ` +
        "The stored version is kept; nothing of this batch was stored",
    );
  }
}

/**
 * Engine errors about the rows themselves: the same rows fail the same way
 * on every attempt, so retrying them blocks a stream forever (issue #9,
 * class 5: an event with a lone \ud800 escape was refused with 25 and the
 * gateway answered 503 "resend"). Codes from ClickHouse's ErrorCodes.cpp.
 * UNKNOWN_DATABASE, TIMEOUT, MEMORY_LIMIT… are absent: a migration, a
 * restart or a quieter moment fixes those, so they stay retryable.
 */
const DATA_ERROR_CODES: ReadonlySet<string> = new Set([
  "6", // CANNOT_PARSE_TEXT
  "25", // CANNOT_PARSE_ESCAPE_SEQUENCE
  "26", // CANNOT_PARSE_QUOTED_STRING
  "27", // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  "38", // CANNOT_PARSE_DATE
  "41", // CANNOT_PARSE_DATETIME
  "53", // TYPE_MISMATCH
  "69", // ARGUMENT_OUT_OF_BOUND
  "70", // CANNOT_CONVERT_TYPE
  "72", // CANNOT_PARSE_NUMBER
  "117", // INCORRECT_DATA
  "131", // TOO_LARGE_STRING_SIZE
  "321", // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
  "469", // VIOLATED_CONSTRAINT
]);

/** 252 is TOO_MANY_PARTS for both; only the per-insert partition limit is about the rows (the other is merge backlog). */
const PARTITIONS_PER_INSERT = /partitions for single INSERT block/i;

/** The store refused these rows for good (see DATA_ERROR_CODES); false for outages and anything unknown. */
export function isDeterministicRefusal(error: unknown): error is StoreError {
  if (!(error instanceof StoreError)) return false;
  const code = error.context.code;
  if (code === undefined) return false;
  if (DATA_ERROR_CODES.has(code)) return true;
  return code === "252" && PARTITIONS_PER_INSERT.test(error.message);
}

import type { EventType, Severity } from "../schemas/vocab";
import type { ParamType } from "./rule-schema";

/**
 * A loaded rule: whatever its file said, it is now one SELECT over the
 * store that returns RESULT_COLUMNS for a `{from}`/`{to}` window. Table
 * names are `{{events}}`-style placeholders filled from store.tables at run
 * time; values are `{name:Type}` parameters, never text in the SQL.
 */
export interface Rule {
  id: string;
  title: string;
  description: string;
  severity: Severity;
  tags: string[];
  /** As shown in messages (relative to the working directory). */
  file: string;
  /** Absolute path of the rule file ('' for a rule parsed from text). */
  path: string;
  kind: "match" | "sql";
  types: EventType[];
  sql: string;
  params: Record<string, { type: ParamType; value: string | number | string[] }>;
  lookbackMinutes: number;
  /** The line of the query (or detection) in the file, for errors found when the engine checks it. */
  line: number;
}

/** What every rule's SELECT returns, one row per finding. `group_key` is what makes the fingerprint. */
export const RESULT_COLUMNS: Readonly<Record<string, RegExp>> = {
  group_key: /^(LowCardinality\()?String\)?$/,
  occurred_at: /^DateTime64\(3(, 'UTC')?\)$/,
  actor_id: /^(LowCardinality\()?String\)?$/,
  host: /^(LowCardinality\()?String\)?$/,
  env: /^(LowCardinality\()?String\)?$/,
  source_ip: /^(LowCardinality\()?String\)?$/,
  event_ids: /^Array\(String\)$/,
  summary: /^(LowCardinality\()?String\)?$/,
};

/** The window parameters every rule may use; the scheduler supplies them. */
export const WINDOW_PARAMS = { from: "DateTime64(3)", to: "DateTime64(3)" } as const;

/** Findings keep at most this many evidence ids: the page links the rest through the timeline. */
export const MAX_EVIDENCE = 50;

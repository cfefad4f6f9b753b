import { z } from "zod";

/**
 * sudo 1.9's JSON event records (lib/eventlog/eventlog.c `format_json`) and
 * its I/O log metadata (`log.json` in each session directory). The event log
 * wraps each record in its type: `{"accept": {…}}`, `"reject"`, `"alert"`,
 * `"exit"`; in syslog as `@cee:{"sudo":{"accept":{…}}}`. log.json is the
 * accept's fields at top level, plus `exit_value` once the command ended.
 */
const timestamp = z.object({ seconds: z.number().int().nonnegative(), nanoseconds: z.number().int().nonnegative().optional() });

export const sudoRecordSchema = z.object({
  uuid: z.string().max(64).optional(),
  reason: z.string().max(4096).optional(),
  submit_time: timestamp.optional(),
  exit_time: timestamp.optional(),
  alert_time: timestamp.optional(),
  server_time: timestamp.optional(),
  /** log.json's start time. */
  timestamp: timestamp.optional(),
  run_time: timestamp.optional(),
  command: z.string().max(65_536).optional(),
  runargv: z.array(z.string().max(65_536)).max(100_000).optional(),
  runuser: z.string().max(256).optional(),
  runuid: z.number().int().optional(),
  submituser: z.string().max(256).optional(),
  submithost: z.string().max(256).optional(),
  submitcwd: z.string().max(4096).optional(),
  ttyname: z.string().max(256).optional(),
  iolog_path: z.string().max(4096).optional(),
  exit_value: z.number().int().optional(),
  signal: z.string().max(64).optional(),
  peeraddr: z.string().max(256).optional(),
});
export type SudoRecord = z.infer<typeof sudoRecordSchema>;

export const SUDO_EVENT_TYPES = ["accept", "reject", "alert", "exit"] as const;
export type SudoEventType = (typeof SUDO_EVENT_TYPES)[number];

/** `{"accept": {…}}` or a bare log.json object (type "iolog"). */
export function sudoRecords(json: unknown): Array<{ type: SudoEventType | "iolog"; record: SudoRecord }> | undefined {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return undefined;
  const out: Array<{ type: SudoEventType | "iolog"; record: SudoRecord }> = [];
  for (const type of SUDO_EVENT_TYPES) {
    if (!(type in json)) continue;
    const parsed = sudoRecordSchema.safeParse(Reflect.get(json, type));
    if (!parsed.success) return undefined;
    out.push({ type, record: parsed.data });
  }
  if (out.length > 0) return out;
  if (!("submituser" in json) || !("command" in json)) return undefined;
  const parsed = sudoRecordSchema.safeParse(json);
  return parsed.success ? [{ type: "iolog", record: parsed.data }] : undefined;
}

import { z } from "zod";
import { chTimeToIso } from "../../store/event-rows";
import { defineQuery } from "../../store/query";

/** The dead-letter list: deliveries that failed every attempt, newest first. */
export const notificationDeadLettersQuery = defineQuery({
  name: "detections.notification_dead_letters",
  params: z.object({ limit: z.number().int().min(1).max(10_000) }),
  row: z.object({ delivery_id: z.string(), destination: z.string(), finding_id: z.string(), body: z.string(), attempts: z.coerce.number(), last_error: z.string(), failed_at: z.string().transform(chTimeToIso) }),
  sql: (t) => `SELECT delivery_id, destination, finding_id, body, attempts, last_error, failed_at FROM ${t.notification_dead_letters} FINAL ORDER BY failed_at DESC LIMIT {limit:UInt32}`,
});

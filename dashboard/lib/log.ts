import "server-only";
import { createLogger } from "../../lib/log";

/** Structured logs from server components, beside the server's own (same pino setup). */
export const log = createLogger("prodtrail-dashboard");

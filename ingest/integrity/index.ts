/** Source integrity at ingest: verifies collectors' signed streams and records findings (never drops or alters events). */
export { startIntegrityJob, DEFAULT_INTERVAL_MS, type IntegrityJob, type IntegrityJobOptions, type IntegrityRun } from "./job";
export { runCollectorRound, type RoundResult } from "./round";
export { verifyStream, type StreamReport } from "./verify-stream";
export type { Problem, ProblemKind } from "./problems";

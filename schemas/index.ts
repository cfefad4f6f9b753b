/**
 * The event contract between writers and readers. Imports nothing of the
 * project. Client components import `schemas/vocab` directly (this index
 * pulls in node:crypto through event-id).
 */
export * from "./vocab";
export * from "./limits";
export * from "./fields";
export * from "./envelope";
export * from "./event";
export * from "./issues";
export * from "./parse";
export * from "./canonical";
export * from "./batch";
export * from "./event-id";
export * from "./server-only";
export * from "./server-action-record";

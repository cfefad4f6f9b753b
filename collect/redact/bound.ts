import { LIMITS } from "../../schemas";

export const TRUNCATED = "…[truncated]";

/**
 * Cut a string to at most `max` UTF-16 units, marking the cut so a reader
 * knows the value is incomplete. Never splits a surrogate pair.
 */
export function clip(value: string, max: number): string {
  if (value.length <= max) return value;
  let end = Math.max(0, max - TRUNCATED.length);
  const code = value.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return value.slice(0, end) + TRUNCATED;
}

/** The source line kept on the event: LIMITS.raw (16 384) units. */
export const boundRaw = (raw: string): string => clip(raw, LIMITS.raw);

/** A redacted command line: LIMITS.command (8192) units. */
export const boundCommand = (command: string): string => clip(command, LIMITS.command);

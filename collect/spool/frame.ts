import { crc32cUpdate } from "./crc32c";

/**
 * On-disk record framing: `u32le length | u32le crc32c(length bytes ++ payload) | payload`.
 * The checksum covers the length too, so a zero-filled tail (what some
 * filesystems expose after a power cut) never parses as a valid empty record:
 * crc32c of four zero bytes is 0x48674bc7, not 0.
 */
export const FRAME_HEADER_BYTES = 8;

function checksum(header: Buffer, payload: Uint8Array): number {
  return crc32cUpdate(crc32cUpdate(0, header.subarray(0, 4)), payload);
}

export function frameBytes(payload: Uint8Array): number {
  return FRAME_HEADER_BYTES + payload.length;
}

/** Encode records into one contiguous buffer, ready for a single write. */
export function encodeFrames(payloads: readonly Uint8Array[]): Buffer {
  let total = 0;
  for (const p of payloads) total += frameBytes(p);
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const p of payloads) {
    const header = out.subarray(at, at + FRAME_HEADER_BYTES);
    header.writeUInt32LE(p.length, 0);
    header.writeUInt32LE(checksum(header, p), 4);
    out.set(p, at + FRAME_HEADER_BYTES);
    at += frameBytes(p);
  }
  return out;
}

/** Why parsing stopped before the end of the buffer. Offsets are relative to the buffer. */
export type FrameStop =
  | { kind: "short-header"; offset: number }
  | { kind: "short-payload"; offset: number; length: number }
  | { kind: "checksum"; offset: number; length: number; frameEnd: number };

export interface ParsedFrames {
  /** Payloads as views into the input buffer (empty unless `collect`). */
  payloads: Buffer[];
  count: number;
  payloadBytes: number;
  /** Offset just past the last good frame. */
  end: number;
  /** Set when a frame could not be parsed; null when stopped at the end or at a limit. */
  stop: FrameStop | null;
}

export interface ParseLimits {
  maxRecords?: number;
  /** Payload bytes; at least one record is always returned if one is complete. */
  maxBytes?: number;
  collect?: boolean;
}

export function parseFrames(buf: Buffer, limits: ParseLimits = {}): ParsedFrames {
  const maxRecords = limits.maxRecords ?? Number.POSITIVE_INFINITY;
  const maxBytes = limits.maxBytes ?? Number.POSITIVE_INFINITY;
  const payloads: Buffer[] = [];
  let count = 0;
  let payloadBytes = 0;
  let at = 0;
  while (at < buf.length && count < maxRecords) {
    if (buf.length - at < FRAME_HEADER_BYTES) {
      return { payloads, count, payloadBytes, end: at, stop: { kind: "short-header", offset: at } };
    }
    const header = buf.subarray(at, at + FRAME_HEADER_BYTES);
    const length = header.readUInt32LE(0);
    const frameEnd = at + FRAME_HEADER_BYTES + length;
    if (frameEnd > buf.length) {
      return { payloads, count, payloadBytes, end: at, stop: { kind: "short-payload", offset: at, length } };
    }
    if (count > 0 && payloadBytes + length > maxBytes) break;
    const payload = buf.subarray(at + FRAME_HEADER_BYTES, frameEnd);
    if (checksum(header, payload) !== header.readUInt32LE(4)) {
      return { payloads, count, payloadBytes, end: at, stop: { kind: "checksum", offset: at, length, frameEnd } };
    }
    if (limits.collect) payloads.push(payload);
    count += 1;
    payloadBytes += length;
    at = frameEnd;
  }
  return { payloads, count, payloadBytes, end: at, stop: null };
}

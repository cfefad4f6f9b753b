import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson, EVENT_TYPES, type AuditEvent } from "../schemas";
import { makeEvent } from "../test/factories/events";
import { contentHash, hashOfStoredJson } from "./content-hash";
import { referenceCanonicalJson } from "../schemas/testdata/reference-canonical";
import { storedJson } from "./stored-json";

/**
 * The write path serialises each event once (storedJson) and hashes that
 * string. Its bytes must be canonicalJson's exactly: every content hash in
 * `event_ids` was computed by canonicalJson, so one byte of difference
 * would turn every resend of a stored event into a "conflict".
 */

/** The hash as store/content-hash.ts defined it before storedJson: the oracle. */
const hashBefore = (event: AuditEvent) =>
  createHash("sha256")
    .update(referenceCanonicalJson({ ...event, received_at: undefined, attribution_confidence: Math.round(Math.fround(event.attribution_confidence) * 1e6) / 1e6 }))
    .digest("hex");

const richEvent = (type: (typeof EVENT_TYPES)[number]) =>
  makeEvent({
    type,
    labels: { "z.last": "1", demo: "true", "a/first": "x\"y\\z\u00e9\u{1F600}" },
    session_id: "s-1",
    command: "sudo -u postgres psql\n\t--quiet",
    attribution_confidence: 0.1234567,
    received_at: "2026-11-22T08:01:02.345Z",
  });

describe("storedJson", () => {
  it.each(EVENT_TYPES)("hashes a %s event exactly as the store always has", (type) => {
    const event = richEvent(type);
    expect(contentHash(event)).toBe(hashBefore(event));
    expect(hashOfStoredJson(storedJson(event))).toBe(hashBefore(event));
  });

  it("leaves received_at out and rounds attribution_confidence as the Float32 column returns it", () => {
    const json = storedJson(richEvent("access.login"));
    expect(json).not.toContain("received_at");
    expect(json).toContain('"attribution_confidence":0.123457');
    expect(JSON.parse(json)).toEqual(expect.objectContaining({ type: "access.login", labels: { "a/first": "x\"y\\z\u00e9\u{1F600}", demo: "true", "z.last": "1" } }));
  });

  it("refuses what canonicalJson refuses", () => {
    expect(() => storedJson({ ...richEvent("access.login"), labels: { a: Number.NaN } } as unknown as AuditEvent)).toThrow(/not a finite number/);
    expect(() => canonicalJson({ a: Number.NaN })).toThrow();
  });
});

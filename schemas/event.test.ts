import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { canonicalJson, EVENT_TYPES, parseBatch, parseEvent, LIMITS, signingPayload } from ".";
import { makeEvent } from "../test/factories/events";

describe("event schema", () => {
  it.each(EVENT_TYPES)("round-trips a %s event through JSON unchanged", (type) => {
    const event = makeEvent({ type });
    const again = parseEvent(JSON.parse(JSON.stringify(event)));
    expect(again).toEqual({ ok: true, event });
    expect(event.category).toBe(type.split(".")[0]);
  });

  it("normalises timestamps to UTC milliseconds", () => {
    const event = makeEvent({ occurred_at: "2026-11-22T10:00:00+02:00" });
    expect(event.occurred_at).toBe("2026-11-22T08:00:00.000Z");
  });

  it("names the bad field", () => {
    const { event_id: _id, ...input } = makeEvent();
    const result = parseEvent({ ...input, occurred_at: "yesterday", attribution_confidence: 2 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const fields = result.issues.map((i) => i.field).sort();
    expect(fields).toEqual(["attribution_confidence", "event_id", "occurred_at"]);
  });

  it("rejects unknown fields by name instead of dropping them", () => {
    const result = parseEvent({ ...makeEvent(), colour: "blue" });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]?.message).toContain("colour");
  });

  it("rejects an unknown type listing the known ones", () => {
    const result = parseEvent({ ...makeEvent(), type: "access.teleport" });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]).toMatchObject({ field: "type", message: expect.stringContaining("access.login") });
  });

  it("rejects a category that does not match the type", () => {
    const result = parseEvent({ ...makeEvent({ type: "access.exec" }), category: "change" });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]?.field).toBe("category");
  });

  it("enforces size limits on strings and arrays", () => {
    const long = parseEvent({ ...makeEvent({ type: "access.exec" }), command: "x".repeat(LIMITS.command + 1) });
    expect(long.ok).toBe(false);
    if (!long.ok) expect(long.issues[0]?.field).toBe("command");
    const files = Array.from({ length: LIMITS.files + 1 }, (_, i) => ({ path: `f${i}`, blob: "c".repeat(40) }));
    const many = parseEvent({ ...makeEvent({ type: "codebase.commit" }), files });
    expect(many.ok).toBe(false);
    if (!many.ok) expect(many.issues[0]?.field).toBe("files");
  });

  it("requires type-specific fields", () => {
    const { path: _p, ...noPath } = makeEvent({ type: "change.file" }) as Record<string, unknown>;
    const result = parseEvent(noPath);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((i) => i.field)).toContain("path");
  });

  it("never throws on arbitrary input", () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const result = parseEvent(input);
        expect(typeof result.ok).toBe("boolean");
      }),
      { numRuns: 500 },
    );
  });
});

describe("canonical JSON", () => {
  it("is independent of key order and omits undefined", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: undefined } })).toBe('{"a":{"d":[2,{"e":0,"f":1}]},"b":1}');
  });

  it("gives the same bytes for any permutation of an event's keys", () => {
    const event = makeEvent({ type: "change.file" });
    const entries = Object.entries(event);
    fc.assert(
      fc.property(fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length }), (shuffled) => {
        expect(canonicalJson(Object.fromEntries(shuffled))).toBe(canonicalJson(event));
      }),
      { numRuns: 100 },
    );
  });

  it("leaves hash, sig and received_at out of the signed payload", () => {
    const event = makeEvent();
    const signed = signingPayload({ ...event, hash: "0".repeat(64), sig: "x", received_at: new Date().toISOString() });
    expect(signed).toBe(signingPayload(event));
    expect(signed).not.toContain('"sig"');
  });

  it("rejects values JSON cannot carry", () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/\$\.a/);
  });
});

describe("batches", () => {
  it("accepts a batch of valid events", () => {
    const result = parseBatch({ events: [makeEvent(), makeEvent({ type: "change.file" })] });
    expect(result.ok).toBe(true);
  });

  it("refuses the whole batch and names each bad event by index", () => {
    const good = makeEvent();
    const result = parseBatch({ events: [good, { ...makeEvent(), host: "" }, good] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]?.index).toBe(1);
    expect(result.rejected[0]?.issues[0]?.field).toBe("events[1].host");
  });

  it("refuses a body that is not an events object", () => {
    for (const body of [null, [], "x", { event: [] }, { events: {} }]) expect(parseBatch(body).ok).toBe(false);
  });
});

describe("empty optional strings", () => {
  it("are absent, so an event reads back from the store exactly as it was signed", () => {
    const result = parseEvent({ ...makeEvent({ type: "access.exec" }), reason: "", session_id: "", command: "ls" });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect("reason" in result.event).toBe(false);
    expect("session_id" in result.event).toBe(false);
    expect(signingPayload(result.event)).not.toContain('"reason"');
    expect(result.event).toMatchObject({ command: "ls" });
  });

  it("still refuses an empty required string by name", () => {
    const result = parseEvent({ ...makeEvent(), host: "" });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]).toMatchObject({ field: "host", message: "must not be empty" });
  });
});

import { describe, expect, it } from "vitest";
import { makeEvent } from "../../test/factories/events";
import { decodeRecord, encodeRecord, SpoolRecordError } from "./codec";

const checkpoint = {
  version: 1 as const, started_at: 1, commit_seq: 7,
  files: [{ id: "a".repeat(64), fp: "a".repeat(64), fp_len: 1024, dev: 1, ino: 2, offset: 4096, done: false, path: "/var/log/auth.log", seen_at: 3 }],
};

describe("spool record codec", () => {
  it("round-trips an event, with and without tail checkpoints", () => {
    const event = makeEvent();
    expect(decodeRecord(encodeRecord(event))).toEqual({ event, checkpoints: new Map() });
    const withCp = decodeRecord(encodeRecord(event, new Map([["auth-0123", checkpoint]])));
    expect(withCp.checkpoints.get("auth-0123")).toEqual(checkpoint);
  });

  it("refuses what is not a record, naming why", () => {
    expect(() => decodeRecord(Buffer.from("nope"))).toThrow(SpoolRecordError);
    expect(() => decodeRecord(Buffer.from(JSON.stringify({ e: { type: "access.login" } })))).toThrow(/spooled event is invalid/);
    expect(() => decodeRecord(Buffer.from(JSON.stringify({ e: makeEvent(), cp: { k: { version: 2 } } })))).toThrow(/checkpoint k/);
  });
});

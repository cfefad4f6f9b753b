import { describe, expect, it } from "vitest";
import { makeEvents } from "../../test/factories/events";
import type { AuditEvent } from "../../schemas";
import { InsertBatcher } from "./batcher";

function recorder(opts: { fail?: number } = {}) {
  const inserts: number[] = [];
  let failures = opts.fail ?? 0;
  const insert = async (events: AuditEvent[]) => {
    await new Promise((r) => setTimeout(r, 5));
    if (failures-- > 0) throw new Error("store down");
    inserts.push(events.length);
  };
  return { inserts, insert };
}

describe("InsertBatcher", () => {
  it("flushes at once when every active handler is waiting (no more rows can come)", async () => {
    const r = recorder();
    const b = new InsertBatcher(r.insert, { flushRows: 1000, flushMs: 60_000 });
    b.enter();
    b.enter();
    const first = b.add(makeEvents(3));
    await new Promise((res) => setTimeout(res, 30));
    expect(r.inserts).toEqual([]); // the other handler may still add rows
    const second = b.add(makeEvents(4));
    await Promise.all([first, second]);
    expect(r.inserts).toEqual([7]);
  });

  it("cuts at flushRows and resolves a handler only when all its rows are inserted", async () => {
    const r = recorder();
    const b = new InsertBatcher(r.insert, { flushRows: 4, flushMs: 60_000 });
    b.enter();
    await b.add(makeEvents(10));
    expect(r.inserts).toEqual([4, 4, 2]);
  });

  it("flushes after flushMs while another handler is still busy", async () => {
    const r = recorder();
    const b = new InsertBatcher(r.insert, { flushRows: 1000, flushMs: 50 });
    b.enter();
    b.enter(); // busy, never adds
    const started = Date.now();
    await b.add(makeEvents(2));
    expect(r.inserts).toEqual([2]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it("rejects the handlers of a failed insert and drops their queued rows, so none of them commits", async () => {
    const r = recorder({ fail: 1 });
    const b = new InsertBatcher(r.insert, { flushRows: 3, flushMs: 60_000 });
    b.enter();
    await expect(b.add(makeEvents(5))).rejects.toThrow("store down");
    expect(r.inserts).toEqual([]);
    await b.add(makeEvents(1));
    expect(r.inserts).toEqual([1]);
  });
});

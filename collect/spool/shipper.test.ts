import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff";
import { createShipper, ShipperDecodeError } from "./shipper";
import { Spool } from "./spool";
import { captureLog, quietLog, rec, tempDir, unacked } from "./testdata/helpers";

let dir = "";
let cleanup = async (): Promise<void> => undefined;
beforeEach(async () => ({ dir, cleanup } = await tempDir("shipper")));
afterEach(() => cleanup());

const openSpool = (): Promise<Spool> => Spool.open({ dir, segmentBytes: 128, maxBytes: 64 * 1024 }, { log: quietLog() });
const decode = (b: Buffer): number => Number(b.toString());
const fast = { initialMs: 1, maxMs: 4 };

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("condition not reached");
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe("backoffDelay", () => {
  it("grows exponentially with jitter, and is capped", () => {
    const opts = { initialMs: 100, maxMs: 1000 };
    expect(backoffDelay(1, opts, () => 0)).toBe(50);
    expect(backoffDelay(1, opts, () => 1)).toBe(100);
    expect(backoffDelay(3, opts, () => 1)).toBe(400);
    expect(backoffDelay(50, opts, () => 0)).toBe(500);
    expect(backoffDelay(50, opts, () => 1)).toBe(1000);
  });
});

describe("shipper", () => {
  it("publish failing N times then succeeding: everything delivered exactly once, in order", async () => {
    const spool = await openSpool();
    await spool.append(Array.from({ length: 50 }, (_, i) => rec(i)));
    const delivered: number[] = [];
    let calls = 0;
    const { log, lines } = captureLog();
    const shipper = createShipper({
      spool, decode, log, backoff: fast, maxBatchRecords: 7,
      publish: async (items) => {
        calls += 1;
        if (calls <= 4 || calls % 3 === 0) throw new Error(`broker down (call ${calls})`);
        delivered.push(...items);
      },
    });
    const running = shipper.start();
    await until(() => delivered.length >= 50);
    await spool.append(rec(50)); // arrives while the shipper waits for data
    await until(() => delivered.length >= 51);
    await shipper.stop();
    await running;
    expect(delivered).toEqual(Array.from({ length: 51 }, (_, i) => i));
    const failures = lines.filter((l) => l.msg === "publish failed; retrying");
    expect(failures.length).toBe(shipper.stats().failures);
    expect(failures[0]).toMatchObject({ attempt: 1, first_seq: 0, end_seq: 7, records: 7, err: { message: "broker down (call 1)" } });
    expect(failures[3]).toMatchObject({ attempt: 4 });
    expect(spool.stats().ackedSeq).toBe(51);
    await spool.close();
    const reopened = await openSpool();
    expect(await unacked(reopened)).toEqual([]);
    await reopened.close();
  });

  it("a publish that never resolves acks nothing; stop still returns", async () => {
    const spool = await openSpool();
    await spool.append(["a", "b", "c"].map(rec));
    let started = 0;
    const shipper = createShipper({ spool, decode: String, log: quietLog(), publish: () => ((started += 1), new Promise<void>(() => undefined)) });
    const running = shipper.start();
    await until(() => started === 1);
    await new Promise((r) => setTimeout(r, 30));
    await shipper.stop();
    await running;
    expect(spool.stats().ackedSeq).toBe(0);
    expect(await unacked(spool)).toEqual(["a", "b", "c"]);
    await spool.close();
  });

  it("stop(graceMs) lets the publish in flight finish and acks it", async () => {
    const spool = await openSpool();
    await spool.append(["a", "b"].map(rec));
    const delivered: string[] = [];
    let started = false;
    const shipper = createShipper({
      spool, decode: String, log: quietLog(),
      publish: async (items) => {
        started = true;
        await new Promise((r) => setTimeout(r, 50));
        delivered.push(...items);
      },
    });
    const running = shipper.start();
    await until(() => started);
    await shipper.stop(5_000);
    await running;
    expect(delivered).toEqual(["a", "b"]);
    expect(spool.stats().ackedSeq).toBe(2);
    await spool.close();
  });

  it("a publish that always fails acks nothing and keeps retrying with growing delays", async () => {
    const spool = await openSpool();
    await spool.append(["a", "b"].map(rec));
    const { log, lines } = captureLog();
    const shipper = createShipper({
      spool, decode: String, log, backoff: { initialMs: 1, maxMs: 16 }, random: () => 1,
      publish: () => Promise.reject(new Error("unreachable")),
    });
    const running = shipper.start();
    await until(() => shipper.stats().failures >= 8);
    await shipper.stop();
    await running;
    const delays = lines.filter((l) => l.msg === "publish failed; retrying").map((l) => l.delay_ms);
    expect(delays.slice(0, 7)).toEqual([1, 2, 4, 8, 16, 16, 16]);
    expect(lines.find((l) => l.attempt === 5)?.level).toBe(50); // an outage escalates to error
    expect(spool.stats().ackedSeq).toBe(0);
    await spool.close();
  });

  it("restarting a stopped shipper resends the abandoned batch and loses nothing", async () => {
    const spool = await openSpool();
    await spool.append(Array.from({ length: 10 }, (_, i) => rec(i)));
    const delivered: number[] = [];
    let hang = true;
    const publish = async (items: number[]): Promise<void> => {
      if (hang) return new Promise<void>(() => undefined);
      delivered.push(...items);
    };
    const s1 = createShipper({ spool, decode, publish, log: quietLog(), maxBatchRecords: 4 });
    const r1 = s1.start();
    await new Promise((r) => setTimeout(r, 20));
    await s1.stop();
    await r1;
    hang = false;
    const s2 = createShipper({ spool, decode, publish, log: quietLog(), maxBatchRecords: 4 });
    const r2 = s2.start();
    await until(() => delivered.length >= 10);
    await s2.stop();
    await r2;
    expect(delivered).toEqual(Array.from({ length: 10 }, (_, i) => i));
    await spool.close();
  });

  it("an undecodable record stops the shipper with a typed error and is not acked", async () => {
    const spool = await openSpool();
    await spool.append(["1", "2", "oops", "4"].map(rec));
    const delivered: number[] = [];
    const shipper = createShipper({
      spool, log: quietLog(), maxBatchRecords: 2,
      decode: (b) => {
        const n = Number(b.toString());
        if (Number.isNaN(n)) throw new Error("not a number");
        return n;
      },
      publish: async (items) => void delivered.push(...items),
    });
    const err = await shipper.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShipperDecodeError);
    expect(err).toMatchObject({ context: { seq: 2 } });
    expect(delivered).toEqual([1, 2]);
    expect(await unacked(spool)).toEqual(["oops", "4"]);
    await spool.close();
  });
});

describe("shipper stop with drain", () => {
  async function stopWith(drain: boolean): Promise<{ delivered: number[]; left: number }> {
    const spool = await openSpool();
    const delivered: number[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const shipper = createShipper({
      spool, decode, backoff: fast, maxBatchRecords: 5,
      // The first publish waits until stop() was called; 20 records (4 batches) are spooled meanwhile.
      publish: async (items) => {
        await gate;
        delivered.push(...items);
      },
    });
    await spool.append(Array.from({ length: 20 }, (_, i) => rec(i)));
    const running = shipper.start();
    await new Promise((r) => setTimeout(r, 20));
    const stopped = shipper.stop(5000, { drain });
    release();
    await stopped;
    await running;
    const left = (await unacked(spool)).length;
    await spool.close();
    return { delivered, left };
  }

  it("ships everything the spool holds before stopping", async () => {
    expect(await stopWith(true)).toEqual({ delivered: Array.from({ length: 20 }, (_, i) => i), left: 0 });
  });

  it("without drain, leaves what was not in flight in the spool for the next start", async () => {
    const { delivered, left } = await stopWith(false);
    expect(delivered).toEqual([0, 1, 2, 3, 4]);
    expect(left).toBe(15);
  });
});

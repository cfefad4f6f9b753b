import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Spool } from "./spool";
import { quietLog, tempDir, unacked } from "./testdata/helpers";

/**
 * Model-based property: for random sequences of append / ship (read + ack) /
 * partial ack / reopen, on real files with tiny segments so rolls and
 * deletions happen constantly, the unacked records are exactly the appended
 * minus the acked, in order.
 */
type Op =
  | { kind: "append"; payloads: string[] }
  | { kind: "ship"; n: number }
  | { kind: "ackPart"; n: number; k: number }
  | { kind: "reopen" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("append" as const), payloads: fc.array(fc.string({ maxLength: 30 }), { minLength: 1, maxLength: 5 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("ship" as const), n: fc.integer({ min: 1, max: 8 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("ackPart" as const), n: fc.integer({ min: 1, max: 8 }), k: fc.integer({ min: 0, max: 8 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("reopen" as const) }) },
);

describe("spool model property", () => {
  it("unacked records are exactly appended minus acked, in order, across reopen", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 64, max: 200 }),
        fc.constantFrom("always" as const, "interval" as const, "never" as const),
        async (ops, segmentBytes, fsync) => {
          const { dir, cleanup } = await tempDir("prop");
          const open = (): Promise<Spool> => Spool.open({ dir, segmentBytes, maxBytes: 1 << 20, fsync }, { log: quietLog() });
          let spool = await open();
          const model: string[] = [];
          let acked = 0;
          try {
            for (const op of ops) {
              if (op.kind === "append") {
                const res = await spool.append(op.payloads.map((p) => Buffer.from(p)));
                expect(res).toEqual({ firstSeq: model.length, endSeq: model.length + op.payloads.length });
                model.push(...op.payloads);
              } else if (op.kind === "ship" || op.kind === "ackPart") {
                const batch = await spool.readBatch({ maxRecords: op.n });
                if (batch !== null) {
                  expect(batch.firstSeq).toBe(acked);
                  expect(batch.records.map(String)).toEqual(model.slice(acked, batch.endSeq));
                  const end = op.kind === "ship" ? batch.endSeq : Math.min(batch.endSeq, batch.firstSeq + op.k);
                  await spool.ack(end);
                  acked = Math.max(acked, end);
                }
              } else {
                await spool.close();
                spool = await open();
              }
              expect(await unacked(spool)).toEqual(model.slice(acked));
              expect(spool.stats()).toMatchObject({ ackedSeq: acked, nextSeq: model.length });
            }
          } finally {
            await spool.close();
            await cleanup();
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

import { describe, expect, it } from "vitest";
import { createLogger } from "../../lib/log";
import type { PartitionBatch } from "../kafka";
import { CommitChain } from "./commit-chain";

/** The chain's view of a fetched batch: its partition, last offset, generation and staleness. */
function batchOf(partition: number, lastOffset: number, state: { rebalanced?: boolean; generation?: number } = {}): PartitionBatch {
  return {
    topic: "t",
    partition,
    messages: [{ topic: "t", partition, offset: String(lastOffset), key: null, value: null, headers: {}, timestamp: "0" }],
    highWatermark: String(lastOffset + 1),
    generation: state.generation ?? 1,
    resolveOffset: () => undefined,
    commit: () => Promise.reject(new Error("the chain commits through its own callback")),
    heartbeat: () => Promise.resolve(),
    isRunning: () => true,
    isStale: () => false,
    rebalancedSince: () => state.rebalanced === true,
    pause: () => () => undefined,
  };
}

function deferred(): { promise: Promise<void>; resolve(): void; reject(err: Error): void } {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

const log = createLogger("commit-chain-test", "silent");

function chain(): { commits: string[]; chain: CommitChain } {
  const commits: string[] = [];
  return {
    commits,
    chain: new CommitChain(
      async (batch, next) => {
        commits.push(`${batch.partition}@${next}`);
      },
      () => true,
      log,
    ),
  };
}

describe("CommitChain", () => {
  it("commits a partition's batches in fetch order even when a later one is stored first", async () => {
    const { commits, chain: c } = chain();
    const first = deferred();
    const second = deferred();
    void c.add(batchOf(0, 9), first.promise);
    void c.add(batchOf(0, 19), second.promise);
    second.resolve();
    await new Promise((r) => setTimeout(r, 10));
    expect(commits).toEqual([]);
    first.resolve();
    await c.drain();
    expect(commits).toEqual(["0@10", "0@20"]);
  });

  it("after a batch fails, no later batch of that partition commits; other partitions go on", async () => {
    const { commits, chain: c } = chain();
    void c.add(batchOf(0, 9), Promise.reject(new Error("insert abandoned")));
    void c.add(batchOf(0, 19), Promise.resolve());
    void c.add(batchOf(1, 4), Promise.resolve());
    await c.drain();
    expect(commits).toEqual(["1@5"]);
  });

  it("does not commit a batch stored after a rebalance, and a new generation starts its own chain", async () => {
    const { commits, chain: c } = chain();
    const old = deferred();
    void c.add(batchOf(0, 9, { rebalanced: true }), old.promise);
    void c.add(batchOf(0, 9, { generation: 2 }), Promise.resolve());
    await new Promise((r) => setTimeout(r, 10));
    expect(commits).toEqual(["0@10"]);
    old.resolve();
    await c.drain();
    expect(commits).toEqual(["0@10"]);
  });

  it("add() resolves once the previous batch of the partition settled, bounding what is in flight", async () => {
    const { chain: c } = chain();
    const first = deferred();
    await c.add(batchOf(0, 9), first.promise);
    let released = false;
    const second = c.add(batchOf(0, 19), Promise.resolve()).then(() => (released = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(released).toBe(false);
    first.resolve();
    await second;
    expect(released).toBe(true);
  });
});

import type { ClickHouseClient } from "@clickhouse/client";
import type { Store } from "./open";

/**
 * One writer per store per process: the tail of a promise chain for each
 * (client, database). Keyed by both because test stores share one embedded
 * client and are kept apart by database, and two Store objects opened on
 * the same database must share one lock.
 */
const tails = new WeakMap<ClickHouseClient, Map<string, Promise<unknown>>>();

export function serialised<T>(store: Store, work: () => Promise<T>): Promise<T> {
  let perClient = tails.get(store.client);
  if (perClient === undefined) {
    perClient = new Map();
    tails.set(store.client, perClient);
  }
  const previous = perClient.get(store.database) ?? Promise.resolve();
  const run = previous.then(work, work);
  const tail = run.catch(() => undefined);
  perClient.set(store.database, tail);
  // Forget the chain once it is idle, so a process that opens many databases does not keep them all.
  void tail.then(() => {
    if (perClient.get(store.database) === tail) perClient.delete(store.database);
  });
  return run;
}

/**
 * The engine refuses an INSERT whose rows fall into more than
 * max_partitions_per_insert_block partitions (100 by default, error 252):
 * a git history indexed for the first time spans far more months than that
 * (`events` is PARTITION BY toYYYYMM(occurred_at)). Such a batch is valid,
 * so it is cut into inserts of at most 100 months each rather than refused.
 * Raising the setting instead would make every such insert create hundreds
 * of parts at once, which is what the limit protects against.
 */
export const MAX_PARTITIONS_PER_INSERT = 100;

/** The partition of an RFC 3339 UTC timestamp, as toYYYYMM on a DateTime64(3, 'UTC') column computes it. */
export function monthOf(isoUtc: string): string {
  return isoUtc.slice(0, 7);
}

/**
 * Indexes of `items` in runs that each touch at most `max` partitions,
 * keeping the items' order (the same batch always gives the same runs, so
 * their deduplication tokens repeat on a retry).
 */
export function partitionChunks<T>(items: readonly T[], partitionOf: (item: T) => string, max = MAX_PARTITIONS_PER_INSERT): number[][] {
  const chunks: number[][] = [];
  let current: number[] = [];
  let months = new Set<string>();
  items.forEach((item, index) => {
    const month = partitionOf(item);
    if (!months.has(month) && months.size >= max) {
      chunks.push(current);
      current = [];
      months = new Set();
    }
    months.add(month);
    current.push(index);
  });
  if (current.length > 0) chunks.push(current);
  return chunks;
}

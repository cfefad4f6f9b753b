import type { ClickHouseSettings } from "@clickhouse/client";

/**
 * Settings every query of a cluster-mode store carries (store/open.ts).
 *
 * insert_distributed_sync (distributed_foreground_insert since 23.x; the
 * old name is an alias the client types): an insert into a Distributed
 * table returns only after every shard stored its part. Without it the
 * Distributed table queues the rows on the node the client reached and
 * acknowledges at once, so ingest would commit Kafka offsets for rows no
 * shard holds yet, and insert_deduplication_token would be applied to the
 * queued copy rather than on the shard (the token travels with the forwarded
 * insert and dedups there, against replicated_deduplication_window).
 *
 * distributed_product_mode = 'local': an IN (SELECT … FROM <distributed>)
 * inside a query over a Distributed table reads the subquery's local table
 * on each shard. Correct for prodtrail because the tables it joins by
 * event_id are all sharded by cityHash64(event_id) (store/cluster-catalog.ts),
 * and the default ('deny') refuses the 0011 backfill outright.
 *
 * distributed_ddl_*: migrations wait for every host of the cluster (ON
 * CLUSTER) up to 300 s (the server default is 180 s) and throw naming the
 * host that did not answer, rather than leaving it behind unnoticed.
 */
export const CLUSTER_QUERY_SETTINGS: ClickHouseSettings = {
  insert_distributed_sync: 1,
  distributed_product_mode: "local",
  distributed_ddl_task_timeout: "300",
  distributed_ddl_output_mode: "throw",
};

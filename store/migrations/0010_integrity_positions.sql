-- Where the source-integrity job (ingest/integrity) has verified each
-- collector's signed stream up to: the chain tip after the last verified seq
-- and the received_at watermark for late arrivals. Several workers may run
-- the job: each writes the same deterministic findings and a position row
-- with a newer version; the newest row wins (ReplacingMergeTree(version)).
CREATE TABLE IF NOT EXISTS {{database}}.integrity_positions
(
    collector_id String,
    next_seq     UInt64,
    last_hash    String,
    watermark    DateTime64(3, 'UTC'),
    updated_at   DateTime64(3, 'UTC'),
    version      UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY collector_id;

-- Messages that could not become events (bad JSON, schema violation,
-- oversized). The original bytes are kept (base64 when not UTF-8) with where
-- they came from and why they were refused. A redelivered poison message has
-- the same (source, topic, partition, offset) and collapses to one row.
CREATE TABLE IF NOT EXISTS {{database}}.dead_letters
(
    dead_letter_id String,
    received_at    DateTime64(3, 'UTC') DEFAULT now64(3),
    source         LowCardinality(String),
    topic          String,
    partition      Int32,
    offset         Int64,
    key            String,
    headers        Map(String, String),
    reason         LowCardinality(String),
    detail         String,
    payload        String CODEC(ZSTD(3)),
    payload_encoding LowCardinality(String),
    payload_bytes  UInt64
)
ENGINE = ReplacingMergeTree
ORDER BY (source, topic, partition, offset, dead_letter_id)
SETTINGS non_replicated_deduplication_window = 1000;

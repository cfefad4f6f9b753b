-- Detections (anomalies): one row per finding, latest version wins.
CREATE TABLE IF NOT EXISTS {{database}}.findings
(
    finding_id  String,
    detector    LowCardinality(String),
    severity    LowCardinality(String),
    title       String,
    detail      String,
    env         LowCardinality(String),
    host        LowCardinality(String),
    service     LowCardinality(String),
    actor_id    String,
    occurred_at DateTime64(3, 'UTC'),
    event_ids   Array(String),
    status      LowCardinality(String),
    created_at  DateTime64(3, 'UTC'),
    updated_at  DateTime64(3, 'UTC'),
    version     UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (env, occurred_at, finding_id);

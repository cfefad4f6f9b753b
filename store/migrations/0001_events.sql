-- The event log: one row per v1 event (schemas/event.ts), flattened to columns.
--
-- Sort key (env, occurred_at, event_id), partitioned by month:
--   * Every dashboard panel is "events in [from, to) for this env": the primary
--     index turns that into one contiguous range per partition. env leads
--     because it has a handful of values (prod, staging, demo-prod…) and is in
--     every filter; occurred_at next makes time ranges a range scan.
--   * event_id last makes the key unique per event, which is what lets
--     ReplacingMergeTree collapse a redelivered event (same id, same content,
--     hence same key) into one row. Queries read with FINAL or count
--     uniqExact(event_id) until merges have caught up; see store/events.ts.
--   * Actor, host, session, path and event_id lookups use skip indexes
--     instead of the sort key: they are point lookups inside a time range.
-- non_replicated_deduplication_window makes insert_deduplication_token work
-- on a single node (embedded engine or one server), as it does when replicated.
CREATE TABLE IF NOT EXISTS {{database}}.events
(
    event_id               String,
    schema_version         UInt8,
    type                   LowCardinality(String),
    category               LowCardinality(String),
    occurred_at            DateTime64(3, 'UTC'),
    received_at            DateTime64(3, 'UTC') DEFAULT now64(3),

    actor_id               String,
    actor_kind             LowCardinality(String),
    effective_user         String,
    impersonator           String,
    attribution_method     LowCardinality(String),
    attribution_confidence Float32,
    team                   LowCardinality(String),

    channel                LowCardinality(String),
    session_id             String,
    grant_id               String,
    break_glass            Bool,
    ticket                 String,
    source_ip              String,
    user_agent             String,

    env                    LowCardinality(String),
    host                   LowCardinality(String),
    service                LowCardinality(String),
    resource               String,
    labels                 Map(LowCardinality(String), String),

    outcome                LowCardinality(String),
    reason                 String,
    severity               LowCardinality(String),
    command                String CODEC(ZSTD(3)),

    path                   String,
    op                     LowCardinality(String),
    old_path               String,
    before_hash            String,
    after_hash             String,
    size                   Nullable(UInt64),
    mode                   String,
    owner                  String,
    diff_added             Nullable(UInt32),
    diff_removed           Nullable(UInt32),
    package                String,
    version_before         String,
    version_after          String,
    duration_s             Nullable(Float64),

    repo                   LowCardinality(String),
    commit                 String,
    branch                 String,
    parents                Array(String),
    files                  Array(Tuple(path String, blob String)),
    snapshot               Bool,
    pipeline               String,
    artifact               String,
    deploy_id              String,

    collector_id           LowCardinality(String),
    collector_version      LowCardinality(String),
    seq                    Nullable(UInt64),
    prev_hash              String,
    hash                   String,
    sig                    String,

    raw                    String CODEC(ZSTD(3)),

    INDEX idx_event_id event_id   TYPE bloom_filter(0.001) GRANULARITY 4,
    INDEX idx_actor    actor_id   TYPE bloom_filter(0.01)  GRANULARITY 4,
    INDEX idx_session  session_id TYPE bloom_filter(0.01)  GRANULARITY 4,
    INDEX idx_path     path       TYPE bloom_filter(0.01)  GRANULARITY 4,
    INDEX idx_host     host       TYPE set(1000)           GRANULARITY 4
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (env, occurred_at, event_id)
SETTINGS non_replicated_deduplication_window = 10000;

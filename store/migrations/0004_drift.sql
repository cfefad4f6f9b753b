-- One row per direct edit (a change.file or change.package on a host) and its
-- current state in the drift lifecycle (sanctioned, matches_codebase,
-- backported, lost_hotfix, reverted, accepted, unreconciled, pending,
-- unmanaged). The drift job re-evaluates and writes a new version; the
-- highest version is the current state.
CREATE TABLE IF NOT EXISTS {{database}}.drift
(
    change_event_id        String,
    env                    LowCardinality(String),
    host                   LowCardinality(String),
    service                LowCardinality(String),
    path                   String,
    occurred_at            DateTime64(3, 'UTC'),
    before_hash            String,
    after_hash             String,
    repo                   LowCardinality(String),
    repo_path              String,
    state                  LowCardinality(String),
    state_reason           String,
    actor_id               String,
    attribution_method     LowCardinality(String),
    attribution_confidence Float32,
    session_id             String,
    matched_commit         String,
    matched_at             Nullable(DateTime64(3, 'UTC')),
    overwritten_by         String,
    accepted_by            String,
    accepted_ticket        String,
    accepted_note          String,
    accepted_at            Nullable(DateTime64(3, 'UTC')),
    evaluated_at           DateTime64(3, 'UTC'),
    version                UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (env, host, path, change_event_id);

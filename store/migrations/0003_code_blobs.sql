-- "Is this content in the codebase?": every blob that ever existed at each
-- path of each indexed repository, with the commit that brought it. Keyed by
-- (repo, blob) first because the drift engine asks by content hash; the path
-- and commit complete a unique key so re-indexing a commit collapses.
CREATE TABLE IF NOT EXISTS {{database}}.code_blobs
(
    repo         LowCardinality(String),
    blob         String,
    path         String,
    commit       String,
    branch       String,
    committed_at DateTime64(3, 'UTC'),
    snapshot     Bool,
    event_id     String
)
ENGINE = ReplacingMergeTree
ORDER BY (repo, blob, path, commit);

-- Filled from codebase.commit events as they are inserted, so the git
-- indexer only ever writes events (the one path into the store).
CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.code_blobs_mv
TO {{database}}.code_blobs
AS SELECT
    repo,
    file.blob      AS blob,
    file.path      AS path,
    commit,
    branch,
    occurred_at    AS committed_at,
    snapshot,
    event_id
FROM {{database}}.events
ARRAY JOIN files AS file
WHERE type = 'codebase.commit' AND file.blob != '';

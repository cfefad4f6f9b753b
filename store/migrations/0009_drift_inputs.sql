-- What the drift engine needs beyond code_blobs (0003), whose view keeps
-- only paths a commit wrote (blob != ''):
--   * code_deletes: paths a commit deleted, so a deletion on a host can match
--     a deletion in the codebase and a deployed tree can lack a path;
--   * code_commits: one row per indexed commit with its time, so a deploy's
--     commit can be placed on the repository's timeline ("what did the tree
--     hold at that path when this commit was made?").
-- Both are filled from codebase.commit events as they arrive, like code_blobs,
-- so a repository fetched hours late re-opens edits on the next job run.
CREATE TABLE IF NOT EXISTS {{database}}.code_deletes
(
    repo         LowCardinality(String),
    path         String,
    commit       String,
    branch       String,
    committed_at DateTime64(3, 'UTC'),
    event_id     String
)
ENGINE = ReplacingMergeTree
ORDER BY (repo, path, commit);

CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.code_deletes_mv
TO {{database}}.code_deletes
AS SELECT
    repo,
    file.path   AS path,
    commit,
    branch,
    occurred_at AS committed_at,
    event_id
FROM {{database}}.events
ARRAY JOIN files AS file
WHERE type = 'codebase.commit' AND file.blob = '';

CREATE TABLE IF NOT EXISTS {{database}}.code_commits
(
    repo         LowCardinality(String),
    commit       String,
    branch       String,
    parents      Array(String),
    committed_at DateTime64(3, 'UTC'),
    snapshot     Bool,
    event_id     String
)
ENGINE = ReplacingMergeTree
ORDER BY (repo, commit);

CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.code_commits_mv
TO {{database}}.code_commits
AS SELECT repo, commit, branch, parents, occurred_at AS committed_at, snapshot, event_id
FROM {{database}}.events
WHERE type = 'codebase.commit';

-- The drift row gains what the evidence trail shows: the change's op and
-- channel, the lag of a backport, when and by which deploy an edit was
-- overwritten, the mapping that applied, and a fingerprint of the facts the
-- state was computed from (the job rewrites a row only when it changes).
ALTER TABLE {{database}}.drift ADD COLUMN IF NOT EXISTS op LowCardinality(String) DEFAULT '';
ALTER TABLE {{database}}.drift ADD COLUMN IF NOT EXISTS channel LowCardinality(String) DEFAULT '';
ALTER TABLE {{database}}.drift ADD COLUMN IF NOT EXISTS old_path String DEFAULT '';
ALTER TABLE {{database}}.drift ADD COLUMN IF NOT EXISTS flagged Bool DEFAULT false;
ALTER TABLE {{database}}.drift ADD COLUMN IF NOT EXISTS lag_s Nullable(Int64);
ALTER TABLE {{database}}.drift ADD COLUMN IF NOT EXISTS overwritten_at Nullable(DateTime64(3, 'UTC'));
ALTER TABLE {{database}}.drift ADD COLUMN IF NOT EXISTS overwrite_deploy_id String DEFAULT '';
ALTER TABLE {{database}}.drift ADD COLUMN IF NOT EXISTS deploy_event_id String DEFAULT '';
ALTER TABLE {{database}}.drift ADD COLUMN IF NOT EXISTS facts_hash String DEFAULT '';

-- Commits stored before this migration: the views above only see new
-- inserts. Re-running after a crash only adds duplicates of the same keys,
-- which ReplacingMergeTree collapses (readers use FINAL).
INSERT INTO {{database}}.code_deletes
SELECT repo, file.path, commit, branch, occurred_at, event_id
FROM {{database}}.events ARRAY JOIN files AS file
WHERE type = 'codebase.commit' AND file.blob = '';

INSERT INTO {{database}}.code_commits
SELECT repo, commit, branch, parents, occurred_at, snapshot, event_id
FROM {{database}}.events
WHERE type = 'codebase.commit';

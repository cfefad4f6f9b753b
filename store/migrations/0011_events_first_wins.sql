-- The first stored version of an event is the truth (issue #9, class 1).
--
-- 0001 made `events` a ReplacingMergeTree without a version: on a merge it
-- keeps the LAST inserted row of a key, so a later copy under an existing
-- event_id replaced the original about 10 s after it was posted. Two changes:
--
--  1. `ver`, the inverted receive time (ms until 2100-01-01 minus received_at
--     in ms), and ReplacingMergeTree(ver), which keeps the MAX ver: if two
--     rows of one key ever coexist, the one received FIRST survives merges
--     and FINAL. Rows stored before this migration get ver from their own
--     received_at through the DEFAULT (computed on read, kept by merges).
--  2. `event_ids`, an index ordered by event_id alone (primary-key point
--     lookups, cheap per batch even at 10M rows) holding each event's
--     content hash, env and occurred_at. The write path (store/first-write.ts)
--     looks a batch's ids up there before inserting: identical resends are
--     dropped, different content under a known id is refused.
--
-- The engine of a table cannot be altered, so `events` is rebuilt: a staging
-- table of the new engine gets hard links of every part (ATTACH PARTITION ALL
-- FROM copies no data, so 10M rows cost what 10 rows do), then the two swap
-- names atomically (EXCHANGE; materialized views follow the name, checked on
-- the embedded engine 26.7). Every statement may run again after a crash at
-- any point and the end state is the same: CREATE OR REPLACE always starts
-- the staging table empty with the new engine, so a rerun after the exchange
-- copies the new table onto itself instead of swapping the old one back.
ALTER TABLE {{database}}.events ADD COLUMN IF NOT EXISTS ver UInt64 DEFAULT 4102444800000 - toUnixTimestamp64Milli(received_at);

CREATE OR REPLACE TABLE {{database}}.events_0011_staging AS {{database}}.events
ENGINE = ReplacingMergeTree(ver)
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (env, occurred_at, event_id)
SETTINGS non_replicated_deduplication_window = 10000;

ALTER TABLE {{database}}.events_0011_staging ATTACH PARTITION ALL FROM {{database}}.events;

EXCHANGE TABLES {{database}}.events AND {{database}}.events_0011_staging;

-- A writer of an older version still running (rolling upgrade) may have
-- inserted into the old table between the attach and the exchange; those
-- rows are copied over before the old table goes. The window is milliseconds,
-- so an hour of received_at bounds the scan.
INSERT INTO {{database}}.events
SELECT * FROM {{database}}.events_0011_staging
WHERE received_at >= now64(3) - INTERVAL 1 HOUR
  AND event_id NOT IN (SELECT event_id FROM {{database}}.events WHERE received_at >= now64(3) - INTERVAL 1 HOUR);

DROP TABLE IF EXISTS {{database}}.events_0011_staging;

CREATE TABLE IF NOT EXISTS {{database}}.event_ids
(
    event_id     String,
    -- sha256 of the canonical JSON without received_at (store/content-hash.ts);
    -- '' for events stored before this migration: the writer then hashes the stored event.
    content_hash String,
    env          LowCardinality(String),
    occurred_at  DateTime64(3, 'UTC'),
    ver          UInt64
)
ENGINE = ReplacingMergeTree(ver)
ORDER BY event_id
SETTINGS non_replicated_deduplication_window = 10000;

-- Events stored before this migration. A rerun adds rows of the same key and
-- ver, which collapse; the first received copy of a legacy duplicate has the
-- highest ver and wins.
INSERT INTO {{database}}.event_ids
SELECT event_id, '' AS content_hash, env, occurred_at, ver FROM {{database}}.events;

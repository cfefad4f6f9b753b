-- Hourly event counts for the dashboard (issue #13 item 4): overview tiles,
-- the explorer's count and the trends read these instead of events.
--
-- Why: 0002's daily rollup keeps uniqExact(event_id) STATES, whose size is
-- the number of distinct events: merging 90 days of them at 10M events took
-- 2.7 s for the trends page. Here a row is (hour, the filter dimensions) and
-- a plain number, so a panel's cost grows with hours × dimension values
-- (~150 rows an hour for the demo fleet at any scale), not with events.
--
-- Exactly once without exact-distinct states. A number can only be exact
-- if no event reaches it twice, so the view counts an event only when
-- `event_ids` (0011) does not know its id yet:
--   * the first-write path (store/first-write.ts) keeps duplicates out of
--     `events` altogether: an identical resend never reaches this view;
--   * a replayed batch carries the same insert_deduplication_token: the
--     engine drops its `events` block, but on 26.7 the view still receives
--     it (measured: without the check below the replay counted 20 events
--     twice); its ids are in `event_ids` by then, so the check skips them;
--   * insertEvents writes `events` rows BEFORE their `event_ids` rows
--     (store/events.ts, layer 2), so when a raw copy of a stored event is
--     inserted (a test planting a duplicate, the CLI) `event_ids` already
--     holds the first copy and the view skips it; ids repeated inside one
--     block count once (uniqExact over the block, never over history);
--   * inside this view `events` in a subquery means the inserted block
--     (checked on the embedded engine 26.7), so the check is a primary-key
--     lookup of the block's ids in `event_ids`, the one first-write makes.
-- What stays inexact, and how far: the residual race store/events.ts states
-- (two PROCESSES writing one store without Kafka between them both find a
-- new id absent within ~10 ms) stores the event twice; if the second copy's
-- `events` insert lands before the first copy's `event_ids` insert, this
-- view counts it twice (reads of `events FINAL` count it once). So does a
-- crash between a batch's `events` and `event_ids` inserts followed by its
-- redelivery (`events` drops or collapses the copy; the ids were never
-- indexed, so this view counts them again). Scale mode as shipped (gateway
-- → Kafka → workers, each id on one partition) has no race window.
-- Different content under a known id is refused by first-write; a raw
-- insert of one is skipped here (the first version counts, as everywhere).
-- Rows deleted from `events` later (a DELETE, a retention TTL) stay counted
-- here until the rollup's own hours are dropped.
-- The oracle: dashboard/lib/data/rollups-exactness.test.ts plants each case
-- above and compares every rollup-backed panel with `events FINAL`.
--
-- Existing stores: the view counts every insert from its creation on; the
-- backfill below counts the events received before a cutoff recorded once
-- in rollup_cutoffs (now64 when this migration first ran, just BEFORE the
-- view exists). The view filters on nothing but event_ids, so an event
-- written later with an old received_at (a test, a writer's slow clock) is
-- still counted, once. Re-runnable: the backfill writes `backfilled` (max
-- when rows merge), the view writes `live` (sum), so a repeated or
-- concurrent backfill with the same cutoff yields the same figure, never
-- twice. Readers take, per full key, sum(live) + max(backfilled). Fresh
-- store: the backfill reads an empty table. Only a writer inserting DURING
-- the milliseconds between the cutoff and the view's creation, with a
-- received_at before the cutoff, would be counted twice (embedded mode
-- migrates before it takes events; run `prodtrail migrate` before starting
-- upgraded ingest workers).
CREATE TABLE IF NOT EXISTS {{database}}.rollup_cutoffs
(
    rollup LowCardinality(String),
    at     DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY rollup;

INSERT INTO {{database}}.rollup_cutoffs
SELECT 'events_hourly', now64(3)
WHERE (SELECT count() FROM {{database}}.rollup_cutoffs WHERE rollup = 'events_hourly') = 0;

CREATE TABLE IF NOT EXISTS {{database}}.events_hourly
(
    hour        DateTime('UTC'),
    env         LowCardinality(String),
    category    LowCardinality(String),
    type        LowCardinality(String),
    channel     LowCardinality(String),
    service     LowCardinality(String),
    team        LowCardinality(String),
    outcome     LowCardinality(String),
    actor_kind  LowCardinality(String),
    break_glass Bool,
    live        SimpleAggregateFunction(sum, UInt64),
    backfilled  SimpleAggregateFunction(max, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (env, hour, category, type, channel, service, team, outcome, actor_kind, break_glass);

CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.events_hourly_mv
TO {{database}}.events_hourly
AS SELECT
    toStartOfHour(occurred_at) AS hour,
    env, category, type, channel, service, team, outcome, actor_kind, break_glass,
    toUInt64(uniqExact(event_id)) AS live,
    toUInt64(0) AS backfilled
FROM {{database}}.events
WHERE event_id NOT IN (SELECT event_id FROM {{database}}.event_ids WHERE event_id IN (SELECT event_id FROM {{database}}.events))
GROUP BY hour, env, category, type, channel, service, team, outcome, actor_kind, break_glass;

-- History: every event received before the cutoff, each id once (the first
-- received copy's dimensions, as FINAL would keep).
INSERT INTO {{database}}.events_hourly
SELECT
    toStartOfHour(occurred_at) AS hour,
    env, category, type, channel, service, team, outcome, actor_kind, break_glass,
    toUInt64(0) AS live,
    toUInt64(count()) AS backfilled
FROM
(
    SELECT event_id, occurred_at, env, category, type, channel, service, team, outcome, actor_kind, break_glass
    FROM {{database}}.events
    WHERE received_at < (SELECT min(at) FROM {{database}}.rollup_cutoffs WHERE rollup = 'events_hourly')
    ORDER BY event_id, ver DESC
    LIMIT 1 BY event_id
)
GROUP BY hour, env, category, type, channel, service, team, outcome, actor_kind, break_glass;

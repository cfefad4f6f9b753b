-- Who and what was active per hour, for the overview's distinct counts
-- (people, services, hosts touched, sessions; issue #13 item 4): one row per
-- (env, kind, hour, value) with the number of events, so "how many people in
-- these 24 hours" is a uniqExact over at most hours × active people rows
-- instead of over every event of the window. Its size grows with active
-- people, hosts and sessions per hour, not with events.
--
-- kind, as the overview counts them (dashboard/lib/queries/overview.ts):
--   human    actor_id of actor_kind 'human', access/change/deploy events
--   service  actor_id of any other actor_kind, access/change/deploy events
--   host     host != '', access/change/deploy events
--   session  session_id != '', any category
--
-- Exactly once, re-runnable backfill and the cutoff work as in 0015 (read
-- its header): the view counts an event only while `event_ids` does not
-- know its id, live (sum) and backfilled (max) columns, readers take
-- sum(live) + max(backfilled) per full key; its own cutoff row. Presence of
-- a row is what the distinct counts use, so even the residual double count
-- 0015 describes leaves them exact; only the per-row event numbers carry it.
INSERT INTO {{database}}.rollup_cutoffs
SELECT 'events_hourly_entities', now64(3)
WHERE (SELECT count() FROM {{database}}.rollup_cutoffs WHERE rollup = 'events_hourly_entities') = 0;

CREATE TABLE IF NOT EXISTS {{database}}.events_hourly_entities
(
    env        LowCardinality(String),
    kind       LowCardinality(String),
    hour       DateTime('UTC'),
    value      String,
    live       SimpleAggregateFunction(sum, UInt64),
    backfilled SimpleAggregateFunction(max, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (env, kind, hour, value);

CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.events_hourly_entities_mv
TO {{database}}.events_hourly_entities
AS SELECT
    env,
    entity.1 AS kind,
    toStartOfHour(occurred_at) AS hour,
    entity.2 AS value,
    toUInt64(uniqExact(event_id)) AS live,
    toUInt64(0) AS backfilled
FROM {{database}}.events
ARRAY JOIN arrayFilter(e -> e.1 != '', [
    (if(category IN ('access', 'change', 'deploy'), if(actor_kind = 'human', 'human', 'service'), ''), actor_id),
    (if(category IN ('access', 'change', 'deploy') AND host != '', 'host', ''), host),
    (if(session_id != '', 'session', ''), session_id)
]) AS entity
WHERE event_id NOT IN (SELECT event_id FROM {{database}}.event_ids WHERE event_id IN (SELECT event_id FROM {{database}}.events))
GROUP BY env, kind, hour, value;

INSERT INTO {{database}}.events_hourly_entities
SELECT
    env,
    entity.1 AS kind,
    toStartOfHour(occurred_at) AS hour,
    entity.2 AS value,
    toUInt64(0) AS live,
    toUInt64(count()) AS backfilled
FROM
(
    SELECT event_id, occurred_at, env, category, actor_kind, actor_id, host, session_id
    FROM {{database}}.events
    WHERE received_at < (SELECT min(at) FROM {{database}}.rollup_cutoffs WHERE rollup = 'events_hourly_entities')
    ORDER BY event_id, ver DESC
    LIMIT 1 BY event_id
)
ARRAY JOIN arrayFilter(e -> e.1 != '', [
    (if(category IN ('access', 'change', 'deploy'), if(actor_kind = 'human', 'human', 'service'), ''), actor_id),
    (if(category IN ('access', 'change', 'deploy') AND host != '', 'host', ''), host),
    (if(session_id != '', 'session', ''), session_id)
]) AS entity
GROUP BY env, kind, hour, value;

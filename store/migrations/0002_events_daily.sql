-- Daily rollup for trends and long ranges. Aggregate states rather than sums:
-- a redelivered event that reached `events` twice before a merge must still
-- count once here, so events are counted with uniqExact(event_id) and people
-- and hosts with uniq (HyperLogLog, ~1.6% error, fine for a trend line).
CREATE TABLE IF NOT EXISTS {{database}}.events_daily
(
    day         Date,
    env         LowCardinality(String),
    category    LowCardinality(String),
    type        LowCardinality(String),
    channel     LowCardinality(String),
    service     LowCardinality(String),
    team        LowCardinality(String),
    outcome     LowCardinality(String),
    break_glass Bool,
    events      AggregateFunction(uniqExact, String),
    actors      AggregateFunction(uniq, String),
    hosts       AggregateFunction(uniq, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (env, day, category, type, channel, service, team, outcome, break_glass);

CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.events_daily_mv
TO {{database}}.events_daily
AS SELECT
    toDate(occurred_at) AS day,
    env, category, type, channel, service, team, outcome, break_glass,
    uniqExactState(event_id) AS events,
    uniqState(actor_id)      AS actors,
    uniqState(host)          AS hosts
FROM {{database}}.events
GROUP BY day, env, category, type, channel, service, team, outcome, break_glass;

-- Legal holds and the retention policy applied (issue #15; store/retention.ts,
-- store/legal-holds.ts). Append-only like every audit table here: a hold is
-- released by a row in legal_hold_releases, never by deleting its row, so
-- who held what, why and until when stays on the record.
--
-- The TTL on `events` (set at start-up from prodtrail.yaml's retention:)
-- consults these two tables in its DELETE WHERE condition at every TTL
-- merge, so rows a hold matches are kept past their TTL for as long as the
-- hold is active. A hold names one scope (actor, host, env, or every event
-- of a time range) and optionally a day range on occurred_at; a bounded
-- range is at most 20 years (7,305 days) because the TTL condition expands
-- it to days (day granularity: a hold keeps whole days, never less).
CREATE TABLE IF NOT EXISTS {{database}}.legal_holds
(
    hold_id   String,
    scope     LowCardinality(String),
    value     String,
    bounded   Bool,
    from_day  Date,
    to_day    Date,
    reason    String,
    set_by    String,
    set_at    DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY hold_id;

CREATE TABLE IF NOT EXISTS {{database}}.legal_hold_releases
(
    hold_id     String,
    reason      String,
    released_by String,
    released_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY hold_id;

-- One row per applied change of the retention policy: the policy as JSON
-- and the TTL clause it became. The newest row is what `events` has now.
CREATE TABLE IF NOT EXISTS {{database}}.retention_applied
(
    applied_at  DateTime64(3, 'UTC') DEFAULT now64(3),
    policy      String,
    ttl         String,
    applied_by  String
)
ENGINE = MergeTree
ORDER BY applied_at;

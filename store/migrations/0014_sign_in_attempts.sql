-- The sign-in limit shared by every dashboard process on this store (issue
-- 9, class 4; server/auth/attempt-ledger.ts). An attempt appends a
-- 'reserved' row per key before its password is checked, then 'succeeded'
-- or 'cancelled'; a reservation left alone was a failure. Rows are never
-- updated, so concurrent writers cannot lose each other's rows.
--   key: 'pair <ip> <email>' or 'ip <ip>'
--   at:  the ClickHouse server's clock (column default), one clock for every
--        dashboard process, so their windows agree.
-- The window is 15 minutes; a day of rows is kept for investigations, then
-- the engine drops them.
CREATE TABLE IF NOT EXISTS {{database}}.sign_in_attempts
(
    key         String,
    attempt_id  String,
    state       LowCardinality(String),
    at          DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (key, at, attempt_id)
TTL toDateTime(at) + INTERVAL 1 DAY;

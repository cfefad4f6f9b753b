-- Detections (issue 10): rule findings join the integrity findings in one
-- triage queue, so `findings` gains what a rule finding and its triage need.
-- Columns are added with defaults: integrity rows keep working unchanged.
ALTER TABLE {{database}}.findings ADD COLUMN IF NOT EXISTS rule_id LowCardinality(String) DEFAULT '';
ALTER TABLE {{database}}.findings ADD COLUMN IF NOT EXISTS fingerprint String DEFAULT '';
ALTER TABLE {{database}}.findings ADD COLUMN IF NOT EXISTS source_ip String DEFAULT '';
ALTER TABLE {{database}}.findings ADD COLUMN IF NOT EXISTS tags Array(String) DEFAULT [];
ALTER TABLE {{database}}.findings ADD COLUMN IF NOT EXISTS assignee String DEFAULT '';
ALTER TABLE {{database}}.findings ADD COLUMN IF NOT EXISTS note String DEFAULT '';
ALTER TABLE {{database}}.findings ADD COLUMN IF NOT EXISTS suppressed_by String DEFAULT '';

-- How far each rule has been evaluated: the next round starts at window_end
-- minus the overlap. One row per rule, newest version wins.
CREATE TABLE IF NOT EXISTS {{database}}.detection_windows
(
    rule_id    String,
    window_end DateTime64(3, 'UTC'),
    ran_at     DateTime64(3, 'UTC'),
    worker     String,
    findings   UInt32,
    version    UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY rule_id;

-- Suppressions: rule + actor/host/source ('' = any), with a reason and an
-- expiry. Revoking writes a newer version with revoked = true.
CREATE TABLE IF NOT EXISTS {{database}}.suppressions
(
    suppression_id String,
    rule_id        String,
    actor_id       String,
    host           String,
    source_ip      String,
    reason         String,
    created_by     String,
    created_at     DateTime64(3, 'UTC'),
    expires_at     DateTime64(3, 'UTC'),
    revoked        Bool,
    version        UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY suppression_id;

-- Webhook deliveries that failed every retry, kept for a person to replay.
CREATE TABLE IF NOT EXISTS {{database}}.notification_dead_letters
(
    delivery_id String,
    destination String,
    finding_id  String,
    body        String,
    attempts    UInt32,
    last_error  String,
    failed_at   DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY (destination, delivery_id);

-- Dashboard users and their sessions. Both are ReplacingMergeTree(version)
-- like api_keys: a change (role, disable, password, sign-out, sliding expiry)
-- writes a new row with a higher version and readers take FINAL. version is
-- the write time in microseconds, so two admins editing the same user in the
-- same second still order by time instead of tying on "previous + 1".
CREATE TABLE IF NOT EXISTS {{database}}.users
(
    user_id       String,
    -- lower-cased; unique among users (checked on create)
    email         String,
    name          String,
    role          LowCardinality(String),
    -- "scrypt$<N>$<r>$<p>$<salt b64url>$<hash b64url>": the cost is recorded
    -- per user, so raising it later re-hashes on the next sign-in. '' = no
    -- local password (OpenID Connect only).
    password_hash String,
    -- "<issuer> <sub>" of the OpenID Connect account, '' when none is linked.
    oidc_subject  String,
    disabled      Bool,
    created_at    DateTime64(3, 'UTC'),
    updated_at    DateTime64(3, 'UTC'),
    updated_by    String,
    version       UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY user_id;

-- A session cookie holds 256 random bits; only their SHA-256 is stored, so
-- a copy of this table signs nobody in. session_id is a short public handle
-- (first 16 hex of the hash) that audit.view events carry.
CREATE TABLE IF NOT EXISTS {{database}}.sessions
(
    session_hash  String,
    session_id    String,
    user_id       String,
    method        LowCardinality(String),
    created_at    DateTime64(3, 'UTC'),
    expires_at    DateTime64(3, 'UTC'),
    last_seen_at  DateTime64(3, 'UTC'),
    revoked_at    Nullable(DateTime64(3, 'UTC')),
    source_ip     String,
    user_agent    String,
    version       UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY session_hash
-- Expired sessions are useless after their absolute cap (7 days); keep them
-- 30 more days for investigations, then let the engine drop them.
TTL toDateTime(expires_at) + INTERVAL 30 DAY;

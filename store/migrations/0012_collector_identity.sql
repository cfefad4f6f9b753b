-- Keys bound to identity (issue 9, class 3).
--
-- The hosts an API key may write events for, fixed when the key is issued
-- (`prodtrail keys create --name web-01 --hosts web-01,web-01b`). Empty
-- means the key's name only: keys issued before this migration keep
-- writing for the host named like them and nothing else.
ALTER TABLE {{database}}.api_keys ADD COLUMN IF NOT EXISTS hosts Array(String) DEFAULT [];

-- One-time enrolment tokens an admin issues (`prodtrail collectors enroll
-- <collector_id>`) so that the first signing key of a collector is
-- registered by that collector and not by whichever process asks first.
-- Only sha256(secret) is stored: the secret is 256 random bits, shown once.
-- Using a token writes a new version with used_at set; the highest wins.
CREATE TABLE IF NOT EXISTS {{database}}.collector_enrolments
(
    token_id      String,
    collector_id  String,
    secret_sha256 String,
    created_at    DateTime64(3, 'UTC'),
    created_by    String,
    expires_at    DateTime64(3, 'UTC'),
    used_at       Nullable(DateTime64(3, 'UTC')),
    used_by       String,
    version       UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY token_id;

-- Per-collector API keys for the gateway. Only a SHA-256 of the secret is
-- stored: the secret is 256 random bits, so a fast hash is as strong as a slow
-- one here (nothing to brute-force) and keeps verification cheap per request.
-- Revocation writes a new version with revoked_at set; the highest version wins.
CREATE TABLE IF NOT EXISTS {{database}}.api_keys
(
    key_id       String,
    name         String,
    secret_sha256 String,
    scopes       Array(LowCardinality(String)),
    created_at   DateTime64(3, 'UTC'),
    created_by   String,
    revoked_at   Nullable(DateTime64(3, 'UTC')),
    revoked_by   String,
    version      UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY key_id;

-- Collectors' Ed25519 public keys, registered on first run, used by ingest to
-- verify each event's signature (see collect/sign). One row per key; a
-- collector that rotates its key registers a new row.
CREATE TABLE IF NOT EXISTS {{database}}.collector_keys
(
    collector_id  String,
    public_key    String,
    registered_at DateTime64(3, 'UTC'),
    registered_by String,
    revoked_at    Nullable(DateTime64(3, 'UTC')),
    version       UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (collector_id, public_key);

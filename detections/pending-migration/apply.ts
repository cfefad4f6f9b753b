import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadMigrations, migrate, MIGRATIONS_DIR, splitStatements } from "../../store/migrate";
import type { Store } from "../../store/open";

const NAME = "0013_detections.sql";
const PENDING = join(import.meta.dirname, NAME);

/**
 * Applies migration 0013 when it is not yet in store/migrations (it waits
 * for 0012, see pending-migration/README.md). Idempotent: once it moved,
 * the store's own migrations hold it and this does nothing.
 */
export async function ensureDetectionTables(store: Store): Promise<void> {
  if (existsSync(join(MIGRATIONS_DIR, NAME)) || !existsSync(PENDING)) return;
  const text = readFileSync(PENDING, "utf8");
  const pending = { version: 13, name: "detections", checksum: createHash("sha256").update(text).digest("hex"), statements: splitStatements(text) };
  await migrate(store, [...loadMigrations(), pending]);
}

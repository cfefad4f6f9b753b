import { userInfo } from "node:os";
import { loadConfig } from "../config/load";
import { openStore } from "../store/open";
import { migrate } from "../store/migrate";
import { createApiKey, listApiKeys, revokeApiKey, KEY_SCOPES, type KeyScope } from "../ingest/auth/api-keys";
import { CONFIG_OPTION, parseCommandArgs, UsageError } from "./usage";

const USAGE = `usage: prodtrail keys create --name NAME [--scope events:write] [--scope keys:register]
       prodtrail keys list [--json]
       prodtrail keys revoke KEY_ID

Per-collector API keys for POST /api/v1/events. The token is printed once at
creation; only a hash is stored. Revoked keys stop working within 10 seconds.
Embedded mode: run while 'prodtrail serve' is stopped (one process owns the
data directory), or against CLICKHOUSE_URL.`;

function isScope(value: string): value is KeyScope {
  return (KEY_SCOPES as readonly string[]).includes(value);
}

export async function runKeysCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { ...CONFIG_OPTION, name: { type: "string" }, scope: { type: "string", multiple: true }, json: { type: "boolean" } },
    USAGE,
    true,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [action, ...rest] = positionals;
  if (action !== "create" && action !== "list" && action !== "revoke") throw new UsageError("expected create, list or revoke", USAGE);
  const scopes = (values.scope ?? ["events:write"]).map((s) => {
    if (!isScope(s)) throw new UsageError(`unknown scope '${s}' (known: ${KEY_SCOPES.join(", ")})`, USAGE);
    return s;
  });
  const config = loadConfig({ path: values.config });
  const store = await openStore({ clickhouse: config.clickhouse, dataDir: config.data_dir });
  const actor = `cli:${userInfo().username}`;
  try {
    await migrate(store);
    if (action === "create") {
      if (!values.name) throw new UsageError("--name is required", USAGE);
      const { token, info } = await createApiKey(store, { name: values.name, scopes, createdBy: actor });
      console.log(`created key ${info.keyId} (${info.name}, scopes ${info.scopes.join(",")})`);
      console.log(`token (shown once, store it in the collector's config): ${token}`);
    } else if (action === "list") {
      const keys = await listApiKeys(store);
      if (values.json) console.log(JSON.stringify(keys, null, 2));
      else if (keys.length === 0) console.log("no API keys; create one with: prodtrail keys create --name <collector>");
      else for (const k of keys) console.log(`${k.keyId}  ${k.name.padEnd(24)} ${k.scopes.join(",").padEnd(28)} ${k.revokedAt ? `revoked ${k.revokedAt}` : `active since ${k.createdAt}`}`);
    } else {
      const keyId = rest[0];
      if (!keyId) throw new UsageError("revoke needs a KEY_ID (see 'prodtrail keys list')", USAGE);
      const info = await revokeApiKey(store, keyId, actor);
      console.log(`revoked ${info.keyId} (${info.name}) at ${info.revokedAt ?? "?"}`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

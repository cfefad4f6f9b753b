import { userInfo } from "node:os";
import type { Store } from "../store/open";
import { openConfiguredStore } from "./open-store";
import { createApiKey, keyHostSchema, listApiKeys, revokeApiKey, KEY_SCOPES, type KeyScope } from "../ingest/auth/api-keys";
import { CONFIG_OPTION, parseCommandArgs, UsageError } from "./usage";

const USAGE = `usage: prodtrail keys create --name NAME [--hosts HOST,HOST…] [--scope events:write] [--scope keys:register] [--scope drift:gate]
       prodtrail keys list [--json]
       prodtrail keys revoke KEY_ID

Per-collector API keys for POST /api/v1/events. A key writes only as the
collector NAME (the server stamps it) and only events whose host is one of
--hosts (names or globs such as web-*; default: NAME). The token is printed
once at creation; only a hash is stored. Revoked keys stop working within
10 seconds.
Embedded mode: run while 'prodtrail serve' is stopped (one process owns the
data directory), or against CLICKHOUSE_URL.`;

function isScope(value: string): value is KeyScope {
  return (KEY_SCOPES as readonly string[]).includes(value);
}

export async function runKeysCommand(argv: string[], deps: { store?: Store; print?: (line: string) => void } = {}): Promise<number> {
  const print = deps.print ?? ((line: string) => console.log(line));
  const { values, positionals } = parseCommandArgs(
    argv,
    { ...CONFIG_OPTION, name: { type: "string" }, hosts: { type: "string" }, scope: { type: "string", multiple: true }, json: { type: "boolean" } },
    USAGE,
    true,
  );
  if (values.help) {
    print(USAGE);
    return 0;
  }
  const [action, ...rest] = positionals;
  if (action !== "create" && action !== "list" && action !== "revoke") throw new UsageError("expected create, list or revoke", USAGE);
  const scopes = (values.scope ?? ["events:write"]).map((s) => {
    if (!isScope(s)) throw new UsageError(`unknown scope '${s}' (known: ${KEY_SCOPES.join(", ")})`, USAGE);
    return s;
  });
  const hosts = values.hosts === undefined ? undefined : parseHosts(values.hosts);
  const store = deps.store ?? (await openConfiguredStore(values.config));
  const actor = `cli:${userInfo().username}`;
  try {
    if (action === "create") {
      if (!values.name) throw new UsageError("--name is required", USAGE);
      const { token, info } = await createApiKey(store, { name: values.name, scopes, ...(hosts ? { hosts } : {}), createdBy: actor });
      print(`created key ${info.keyId} (${info.name}, scopes ${info.scopes.join(",")}, hosts ${info.hosts.join(",")})`);
      print(`token (shown once, store it in the collector's config): ${token}`);
    } else if (action === "list") {
      const keys = await listApiKeys(store);
      if (values.json) print(JSON.stringify(keys, null, 2));
      else if (keys.length === 0) print("no API keys; create one with: prodtrail keys create --name <collector>");
      else for (const k of keys) print(`${k.keyId}  ${k.name.padEnd(24)} ${k.scopes.join(",").padEnd(28)} ${k.hosts.join(",").padEnd(24)} ${k.revokedAt ? `revoked ${k.revokedAt}` : `active since ${k.createdAt}`}`);
    } else {
      const keyId = rest[0];
      if (!keyId) throw new UsageError("revoke needs a KEY_ID (see 'prodtrail keys list')", USAGE);
      const info = await revokeApiKey(store, keyId, actor);
      print(`revoked ${info.keyId} (${info.name}) at ${info.revokedAt ?? "?"}`);
    }
    return 0;
  } finally {
    if (deps.store === undefined) await store.close();
  }
}

/** `web-01,web-01b` → the hosts, each checked by name. */
function parseHosts(text: string): string[] {
  const hosts = text.split(",").map((h) => h.trim());
  for (const host of hosts) {
    const checked = keyHostSchema.safeParse(host);
    if (!checked.success) throw new UsageError(`--hosts: '${host}': ${checked.error.issues[0]?.message ?? "invalid"}`, USAGE);
  }
  return hosts;
}

/**
 * Seeds a data directory for cli/timeline.test.ts: run as its own process
 * (the embedded engine is one per process and directory) with the config path
 * as the argument. A session on one host: login, sudo, a file edit, logout.
 */
import { loadConfig } from "../../config/load";
import { insertEvents } from "../../store/events";
import { migrate } from "../../store/migrate";
import { openStore } from "../../store/open";
import { makeEvent } from "../../test/factories/events";

const config = loadConfig({ path: process.argv[2] });
const store = await openStore({ clickhouse: config.clickhouse, dataDir: config.data_dir });
await migrate(store);
const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
const session = { host: "web-07", actor_id: "alice@example.com", session_id: "sess-tl-1", env: "prod" };
await insertEvents(store, [
  makeEvent({ ...session, event_id: "tl-login", type: "access.login", occurred_at: at(50) }),
  makeEvent({ ...session, event_id: "tl-sudo", type: "access.privilege", channel: "sudo", command: "sudo vim /etc/nginx/nginx.conf | tee", occurred_at: at(45) }),
  makeEvent({ ...session, event_id: "tl-edit", type: "change.file", channel: "sudo", path: "/etc/nginx/nginx.conf", occurred_at: at(44) }),
  makeEvent({ ...session, event_id: "tl-logout", type: "access.logout", occurred_at: at(40) }),
  makeEvent({ event_id: "tl-other-host", host: "db-01", env: "prod", occurred_at: at(30) }),
]);
await store.close();

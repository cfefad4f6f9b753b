/**
 * Seeds a data directory for cli/detections.test.ts, as its own process (the
 * embedded engine is one per process and directory), config path as the
 * argument: twelve failed logins from one address on a bastion, received now.
 */
import { loadConfig } from "../../config/load";
import { insertEvents } from "../../store/events";
import { migrate } from "../../store/migrate";
import { openStore } from "../../store/open";
import { makeEvent, pastTimeClearOfHourBoundary } from "../../test/factories/events";

const config = loadConfig({ path: process.argv[2] });
const store = await openStore({ clickhouse: config.clickhouse, dataDir: config.data_dir });
await migrate(store);
// The test is about storing a finding once, so the burst stays clear of an hour boundary.
const start = pastTimeClearOfHourBoundary();
await insertEvents(
  store,
  Array.from({ length: 12 }, (_, i) => makeEvent({ event_id: `cli-bf-${i}`, type: "access.login_failed", outcome: "failure", host: "bastion-1", actor_id: "root", source_ip: "198.51.100.23", occurred_at: new Date(start + i * 10_000).toISOString() })),
);
await store.close();

import { loadConfig } from "../config/load";
import { migrate } from "../store/migrate";
import { openStore, type Store } from "../store/open";

/**
 * The store a CLI command works on: from prodtrail.yaml (or --config),
 * migrated, closed again if migrating fails. Embedded mode: only one process
 * opens a data directory, so the admin commands run while serve is stopped.
 */
export async function openConfiguredStore(configPath: string | undefined): Promise<Store> {
  const config = loadConfig({ path: configPath });
  const store = await openStore({ clickhouse: config.clickhouse, dataDir: config.data_dir });
  try {
    await migrate(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

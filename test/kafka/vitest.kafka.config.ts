import { defineConfig, mergeConfig } from "vitest/config";
import base from "../../vitest.config.js";

/**
 * The project's vitest config plus the shared Kafka broker. For running the
 * Kafka tests on their own until the lead adds the globalSetup line to
 * vitest.config.ts:  npx vitest run -c test/kafka/vitest.kafka.config.ts test/kafka
 */
export default mergeConfig(
  base,
  defineConfig({
    // The root stays the repository, not this folder.
    root: new URL("../..", import.meta.url).pathname,
    test: { globalSetup: ["test/kafka/global-setup.ts"] },
  }),
);

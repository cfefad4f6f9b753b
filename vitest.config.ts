import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "dashboard/.next/**", ".prodtrail/**"],
    // The embedded engine is a process singleton per data path, so each test
    // file runs in its own forked process with its own temporary data dir.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // One real Kafka broker (KRaft, from Maven Central jars) for the whole
    // run; tests that stop or kill a broker start their own. See test/kafka.
    globalSetup: ["test/kafka/global-setup.ts"],
  },
});

import { kafkaClasspath } from "./classpath";

/** Entry of fetch-jars.sh: resolve (or verify the cached) broker classpath and say where it is. */
const started = Date.now();
const cp = await kafkaClasspath();
console.log(`fetch-jars: ${cp.split(":").length} jars ready in ${Date.now() - started} ms`);

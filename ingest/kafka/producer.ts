import { CompressionTypes, Partitioners, type Producer } from "kafkajs";
import { kafkaClient, type KafkaConnection } from "./client";
import { KafkaTransportError, toTransportError } from "./errors";

export interface OutgoingMessage {
  /** Partitioning key; messages with the same key stay in order. */
  key: string | null;
  value: string | Buffer;
  headers?: Readonly<Record<string, string>>;
}

export interface ReliableProducerOptions {
  /**
   * A send that has not been acknowledged after this long rejects with a
   * retriable error, so the caller (the spool) can back off and resend.
   * kafkajs's idempotent producer otherwise retries forever.
   */
  sendTimeoutMs?: number;
  /**
   * Uncompressed bytes per produce request. The broker refuses record
   * batches above message.max.bytes (1 MiB by default); staying below it
   * before compression means a large publish never fails as a whole.
   */
  maxRequestBytes?: number;
}

/** A producer whose `send` resolves only when every message is acknowledged by all in-sync replicas. */
export interface ReliableProducer {
  send(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}

export function createReliableProducer(conn: KafkaConnection, opts: ReliableProducerOptions = {}): ReliableProducer {
  const kafka = kafkaClient(conn);
  const sendTimeoutMs = opts.sendTimeoutMs ?? 30_000;
  const maxRequestBytes = opts.maxRequestBytes ?? 900 * 1024;
  let current: Promise<Producer> | undefined;
  let closed = false;

  const connect = (): Promise<Producer> => {
    current ??= (async () => {
      const producer = kafka.producer({
        // idempotent: the broker drops a batch it already wrote when kafkajs
        // retries after a lost ack, so a retry never duplicates within a session.
        idempotent: true,
        // maxInFlightRequests: 1 — kafkajs reorders retried batches above 1
        // (a failed batch is retried after a later one succeeded), which would
        // break per-host order. Idempotence alone does not fix that in kafkajs.
        maxInFlightRequests: 1,
        // murmur2 like the Java client: the same host lands on the same
        // partition whichever client produced it.
        createPartitioner: Partitioners.DefaultPartitioner,
        allowAutoTopicCreation: false,
      });
      await producer.connect();
      return producer;
    })();
    return current;
  };

  /** After a failure the producer's sequence state is unknown: start a fresh session (new producer id). */
  const recycle = (): void => {
    const old = current;
    current = undefined;
    void old?.then((p) => p.disconnect()).catch(() => undefined);
  };

  const sendChunk = async (topic: string, chunk: readonly OutgoingMessage[]): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new KafkaTransportError(`kafka send not acknowledged within ${sendTimeoutMs} ms`, "send", true, "TIMEOUT")),
        sendTimeoutMs,
      );
    });
    const attempt = (async () => {
      const producer = await connect();
      await producer.send({
        topic,
        // acks: -1 — acknowledged only once every in-sync replica has the batch;
        // with min.insync.replicas ≥ 2 in production a single broker loss loses nothing.
        acks: -1,
        // gzip: built into kafkajs and every Kafka consumer; snappy/lz4/zstd need
        // native codec packages for kafkajs. JSON events compress ~5–10×.
        compression: CompressionTypes.GZIP,
        messages: chunk.map((m) => ({ key: m.key, value: m.value, headers: { ...m.headers } })),
      });
    })();
    attempt.catch(() => undefined); // a timed-out attempt may still reject later
    try {
      await Promise.race([attempt, timeout]);
    } catch (err) {
      recycle();
      throw toTransportError("send", err);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    async send(topic, messages) {
      if (closed) throw new KafkaTransportError("producer is closed", "send", false, undefined);
      for (const chunk of chunkByBytes(messages, maxRequestBytes)) await sendChunk(topic, chunk);
    },
    async close() {
      closed = true;
      const p = current;
      current = undefined;
      if (p) await (await p.catch(() => undefined))?.disconnect();
    },
  };
}

function messageBytes(m: OutgoingMessage): number {
  let n = Buffer.byteLength(m.value) + (m.key === null ? 0 : Buffer.byteLength(m.key)) + 64;
  for (const [k, v] of Object.entries(m.headers ?? {})) n += Buffer.byteLength(k) + Buffer.byteLength(v);
  return n;
}

/** Split in order; a single message larger than the limit travels alone (the broker decides). */
export function chunkByBytes(messages: readonly OutgoingMessage[], limit: number): OutgoingMessage[][] {
  const chunks: OutgoingMessage[][] = [];
  let chunk: OutgoingMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = messageBytes(m);
    if (chunk.length > 0 && bytes + size > limit) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(m);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

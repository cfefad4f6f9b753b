export { Tailer } from "./tailer";
export type { TailerOptions, TailBatch, TailLine } from "./types";
export { parseCheckpoint, TailStateError, type TailCheckpoint } from "./offsets";

export { FilesSource } from "./source";
export type { FilesSourceOptions, ScanStats } from "./options";
export { compileGlob, PathFilter, GlobError } from "../../../lib/glob";
export { countLineDiff } from "./line-diff";
export { blobIdOf, blobIdOfFile } from "./blob";

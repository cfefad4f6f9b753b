export { GitIndexer, type GitIndexerOptions, type GitRepoConfig, type IndexStats } from "./indexer";
export { GitError } from "./run";
export { GIT_AUTHOR_CONFIDENCE } from "./events";

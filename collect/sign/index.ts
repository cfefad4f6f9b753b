/** Source integrity: keys, the per-stream hash chain, the signer (heads at an interval) and the verifier (pure: events + keys). */
export { loadOrCreateKeys, importPublicKey, rawPublicKey, type CollectorKeys } from "./keys";
export { GENESIS_HASH, FIRST_SEQ, signLink, linkEvent, sealHead, checkLink, isChained, payloadHash, type ChainTip, type LinkCheck } from "./chain";
export { Signer, DEFAULT_HEAD_INTERVAL, type SignerOptions } from "./signer";
export {
  ChainVerifier,
  verifyChain,
  MAX_UNSIGNED_RUN,
  type ChainKey,
  type ChainKeys,
  type ChainReport,
  type ChainResult,
  type ChainStatus,
  type VerifierOptions,
} from "./verify";
export { SignError, KeyPermissionError, ChainStateError } from "./errors";

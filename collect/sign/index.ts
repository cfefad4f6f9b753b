/** Source integrity: keys, the per-stream hash chain, the signer and the verifier. */
export { loadOrCreateKeys, importPublicKey, rawPublicKey, type CollectorKeys } from "./keys";
export { GENESIS_HASH, FIRST_SEQ, signLink, checkLink, payloadHash, type ChainTip, type LinkCheck } from "./chain";
export { Signer, type SignerOptions } from "./signer";
export { ChainVerifier, verifyChain, type ChainResult, type ChainStatus } from "./verify";
export { SignError, KeyPermissionError, ChainStateError } from "./errors";

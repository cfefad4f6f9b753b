export { DpkgParser } from "./dpkg";
export { AptHistoryParser, type AptTransaction, type AptPackageOp } from "./apt-history";
export { PackageJoiner, HOLD_MS } from "./join";

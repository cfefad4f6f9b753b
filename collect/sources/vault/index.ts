export { VaultParser, type VaultParserOptions } from "./parser";

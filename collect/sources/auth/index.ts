export { AuthParser, type AuthParserOptions } from "./parser";

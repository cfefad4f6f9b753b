export { redact } from "./redact";
export { MASK, RULES, type Rule } from "./rules";
export { clip, boundRaw, boundCommand, TRUNCATED } from "./bound";

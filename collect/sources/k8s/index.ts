export { K8sParser, type K8sParserOptions } from "./parser";

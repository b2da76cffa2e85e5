export { PlatformKey, platformKeyProblems } from "./platform-key";
export type { PlatformKeyArgs } from "./platform-key";
export { logGroupNameProblems, platformKeyPolicy } from "./key-policy";
export type { PlatformKeyPolicyInput } from "./key-policy";

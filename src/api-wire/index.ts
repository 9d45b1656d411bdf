export * from "./types.js";
export * from "./event-types.js";
export * from "./error-codes.js";
export * from "./message-rules.js";
export * from "./attachment-types.js";

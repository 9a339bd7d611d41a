export * from "./errors.js";
//# sourceMappingURL=index.js.map
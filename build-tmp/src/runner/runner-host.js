export {};
//# sourceMappingURL=runner-host.js.map
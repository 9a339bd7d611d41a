export {};
//# sourceMappingURL=orchestrator-store.js.map
export {};
//# sourceMappingURL=state-backend.js.map
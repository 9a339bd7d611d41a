import { AsyncLocalStorage } from "node:async_hooks";
export const executionStorage = new AsyncLocalStorage();
export function currentExecution() {
    return executionStorage.getStore();
}
//# sourceMappingURL=context.js.map
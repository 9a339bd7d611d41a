import { historyProblems } from "./history-check.js";
export { historyProblems, maxConcurrentRunning } from "./history-check.js";
export { waitForStatus, waitUntil } from "./wait.js";
/** Every id's history, fetched from the app's backend. */
export async function histories(app, ids) {
    return Promise.all(ids.map((id) => app.orchestrator.history(id)));
}
/** Throws an Error listing every invocation whose history breaks the status table. */
export async function assertValidHistories(app, ids) {
    const all = await histories(app, ids);
    const report = [];
    all.forEach((history, i) => {
        const problems = historyProblems(history);
        if (problems.length)
            report.push(`${ids[i]}: ${problems.join("; ")} [${history.map((h) => h.status).join(" > ")}]`);
    });
    if (report.length)
        throw new Error(`Invalid status histories:\n${report.join("\n")}`);
}
/** Collects the id of every invocation the app registers from now on (children included). */
export function trackInvocations(app) {
    const ids = [];
    const stop = app.events.on("invocation:status", ({ invocationId, status }) => {
        if (status === "REGISTERED")
            ids.push(invocationId);
    });
    return { ids, stop };
}
//# sourceMappingURL=index.js.map
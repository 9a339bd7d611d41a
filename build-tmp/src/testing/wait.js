/**
 * Resolves once `predicate` holds, re-checking it after every status change the app makes: waits for
 * a state, never for a fixed time.
 */
export async function waitUntil(app, predicate, description, { timeoutMs = 10_000 } = {}) {
    let settled = false;
    let checking = false;
    let again = false;
    await new Promise((resolve, reject) => {
        const finish = (error) => {
            if (settled)
                return;
            settled = true;
            clearTimeout(timer);
            unsubscribe();
            if (error)
                reject(error);
            else
                resolve();
        };
        const check = async () => {
            if (checking)
                return void (again = true);
            checking = true;
            try {
                do {
                    again = false;
                    if (await predicate())
                        return finish();
                } while (again && !settled);
            }
            catch (error) {
                finish(error);
            }
            finally {
                checking = false;
            }
        };
        const timer = setTimeout(() => finish(new Error(`Timed out after ${timeoutMs} ms waiting for ${description}`)), timeoutMs);
        const unsubscribe = app.events.on("invocation:status", () => void check());
        void check();
    });
}
/** Resolves once the invocation is in one of `statuses`. */
export async function waitForStatus(app, invocation, statuses, options) {
    const wanted = typeof statuses === "string" ? [statuses] : statuses;
    await waitUntil(app, async () => wanted.includes(await invocation.status()), `${invocation.task.id} ${invocation.id} to reach ${wanted.join(" or ")}`, options);
}
//# sourceMappingURL=wait.js.map
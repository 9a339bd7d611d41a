/**
 * A runner process in a few lines: what `tynenc runner start --app samples/sqlite-workers/tasks.ts`
 * does, as a script of your own. demo.ts forks two of these. The first SIGINT/SIGTERM stops it
 * gracefully, as does the end of the demo that forked it.
 */
import { tellParent, whenParentGone } from "./owned.js";
import { app } from "./tasks.js";

whenParentGone(() => void app.runner.stop());
app.events.on("runner:started", ({ runnerId }) => tellParent({ type: "started", runnerId }));
await app.runner.run({ handleSignals: true }); // resolves once stopped
await app.close();

// A runner process of the SQLite bench: `node sqlite-runner.js <file> [slots]`, forked by
// sqlite-processes.ts. It runs until SIGTERM/SIGINT, as a user's worker script does.
import { sqliteBenchApp } from "./sqlite-app.js";

// Owned by the bench that forked it: when that process dies (even by SIGKILL), the IPC channel
// closes and this one exits. The channel is unref'd so it does not keep this process alive itself.
process.channel?.unref();
process.on("disconnect", () => process.exit(1));

const [path, slots] = process.argv.slice(2);
if (!path) throw new Error("usage: sqlite-runner.js <database file> [maxParallelSlots]");
const { app } = sqliteBenchApp({ path, ...(slots ? { slots: Number(slots) } : {}) });
await app.runner.run({ handleSignals: true });
await app.close();

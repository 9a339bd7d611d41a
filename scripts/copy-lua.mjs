// Copies the redis backend's Lua scripts next to the compiled code (tsc copies only TypeScript):
// `node scripts/copy-lua.mjs <dir of the compiled src>`, e.g. dist or build/src.
import { cpSync } from "node:fs";
import { fileURLToPath } from "node:url";

const outDir = process.argv[2];
if (!outDir) throw new Error("usage: node scripts/copy-lua.mjs <dir of the compiled src, e.g. dist>");
const from = fileURLToPath(new URL("../src/backends/redis/lua/", import.meta.url));
cpSync(from, `${outDir}/backends/redis/lua/`, { recursive: true });

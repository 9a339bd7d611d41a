// Run by scripts/check-consumer.sh with `node --enable-source-maps`: every source map in the installed
// package must point at files the package ships, so stack traces name real files.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { memoryBackend, Tynenc } from "tynenc";

const packageDir = dirname(fileURLToPath(import.meta.resolve("tynenc/package.json")));
const problems = [];

// A lifecycle script here would run (or warn) on every install of the package: builds belong in prepack.
const { scripts = {} } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
for (const name of ["preinstall", "install", "postinstall", "prepare"]) {
  if (scripts[name]) problems.push(`the published package.json has a "${name}" script: ${scripts[name]}`);
}

let maps = 0;
for (const entry of readdirSync(join(packageDir, "dist"), { recursive: true })) {
  if (!entry.endsWith(".map")) continue;
  maps++;
  const mapFile = join(packageDir, "dist", entry);
  const { sources, sourceRoot = "" } = JSON.parse(readFileSync(mapFile, "utf8"));
  for (const source of sources) {
    const file = resolve(dirname(mapFile), sourceRoot, source);
    if (!existsSync(file)) problems.push(`${entry} points at ${source}, which the package does not ship`);
  }
}
if (maps === 0) problems.push("the package ships no source maps (expected .js.map and .d.ts.map files)");

// A real error thrown inside tynenc: its stack, mapped through the source maps, names src/*.ts files.
const app = new Tynenc({ appId: "stack_check", backend: memoryBackend() });
app.task("twice", async () => 1);
let stack = "";
try {
  app.task("twice", async () => 2);
} catch (error) {
  stack = String(error.stack);
}
const frames = [...stack.matchAll(/(?:file:\/\/)?(\/[^\s():]+):\d+:\d+/g)].map((m) => m[1]);
const ours = frames.filter((file) => file.startsWith(packageDir));
if (!ours.some((file) => file.endsWith(".ts")))
  problems.push(`no frame names a tynenc .ts source:\n${stack}`);
for (const file of ours) if (!existsSync(file)) problems.push(`stack frame names missing file ${file}`);

if (problems.length) {
  console.error(`Packaging problems:\n- ${problems.join("\n- ")}`);
  process.exit(1);
}
console.log(`${maps} source maps resolve; a tynenc stack trace names ${ours[0]}`);

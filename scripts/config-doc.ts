/**
 * Prints docs/configuration.md: `npx tsx scripts/config-doc.ts > docs/configuration.md`.
 * The page goes through Prettier here so `prettier --check .` agrees with the generated file.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { format, resolveConfig } from "prettier";
import { configurationMarkdown } from "../src/config/markdown.js";

export const CONFIGURATION_DOC = fileURLToPath(new URL("../docs/configuration.md", import.meta.url));

export async function renderConfigurationDoc(): Promise<string> {
  const options = await resolveConfig(CONFIGURATION_DOC);
  return format(configurationMarkdown(), { ...options, parser: "markdown" });
}

// Imported by the docs test; run directly, it prints the page.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  process.stdout.write(await renderConfigurationDoc());
}

import { tempSqliteBackend } from "../sqlite-files.js";
import { runConformance } from "./index.js";

runConformance("sqlite", () => tempSqliteBackend());

/**
 * Precedence: each field takes its value from the highest layer that sets it. Every layer is
 * validated, not only the winner, so a bad value in a file fails at start-up even when env overrides it.
 */
import { ConfigError } from "../errors/errors.js";
import { closestName } from "./naming.js";
export const ConfigSource = {
    default: "default",
    file: "file",
    code: "code",
    env: "env",
    assignment: "assignment",
};
export function showValue(value) {
    if (typeof value === "string")
        return JSON.stringify(value);
    if (typeof value === "function")
        return "a function";
    if (typeof value === "bigint")
        return `${value}n`;
    try {
        return JSON.stringify(value) ?? String(value);
    }
    catch {
        return String(value);
    }
}
export function invalidValue(label, value, origin, accepted) {
    return `Invalid value ${showValue(value)} for ${label} from ${origin}: expected ${accepted}.`;
}
/** One ConfigError for all problems found, so a user fixes a config in one round. */
export function throwProblems(problems) {
    if (problems.length === 1)
        throw new ConfigError(problems[0] ?? "");
    if (problems.length > 1) {
        throw new ConfigError(`${problems.length} configuration problems:\n- ${problems.join("\n- ")}`);
    }
}
/** Settings from one object (a file section, code options), keeping only the schema's fields. */
export function objectLayer(source, schema, settings, where) {
    const found = new Map();
    const textAllowed = source === ConfigSource.file;
    for (const [key, value] of Object.entries(settings)) {
        // `{ maxParallelSlots: undefined }` (an unset option passed along) means "not given".
        if (!Object.hasOwn(schema, key) || value === undefined)
            continue;
        found.set(key, { value, ...where, text: textAllowed && typeof value === "string" });
    }
    return { source, settings: found };
}
export function unknownKeys(keys, schema, origin, ignore = []) {
    const known = Object.keys(schema);
    return keys
        .filter((key) => !Object.hasOwn(schema, key) && !ignore.includes(key))
        .map((key) => {
        const guess = closestName(key, known);
        const hint = guess ? `did you mean ${guess}?` : `known settings: ${known.join(", ")}.`;
        return `Unknown setting "${key}" in ${origin}; ${hint}`;
    });
}
export function resolveEntries(schema, layers, label) {
    const entries = new Map();
    const problems = [];
    for (const [name, def] of Object.entries(schema)) {
        let entry = { value: def.defaultValue(), source: ConfigSource.default, detail: "" };
        for (const layer of layers) {
            const raw = layer.settings.get(name);
            if (raw === undefined)
                continue;
            const parsed = raw.text ? def.parseText(String(raw.value)) : def.check(raw.value);
            if (parsed.ok)
                entry = { value: parsed.value, source: layer.source, detail: raw.detail };
            else
                problems.push(invalidValue(label(name), raw.value, raw.origin, def.accepted));
        }
        entries.set(name, entry);
    }
    return { entries, problems };
}
//# sourceMappingURL=resolve.js.map
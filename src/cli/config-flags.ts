/**
 * One flag per app setting, generated from the schema: `maxParallelSlots` is `--max-parallel-slots`.
 * Each value is parsed by its field's own text parser (as an environment variable's is), so a bad
 * value is refused at parse time naming the flag, the value and what is accepted. The values are
 * applied as assignments (`app.conf.<field> = value`): above the config file, code and environment.
 */
import { InvalidArgumentError, Option, type Command } from "commander";
import type { FieldDef, FieldKind } from "../config/field.js";
import { envVarName } from "../config/naming.js";
import { APP_FIELDS, type AppConfigField, type AppConfigValues } from "../config/schema.js";

export const CONFIG_GROUP = "Settings (above the config file, code and TYNENC__* variables):";

/** `maxParallelSlots` -> `max-parallel-slots`; commander maps the flag back to the same camelCase key. */
export function kebabCase(camel: string): string {
  return camel.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

export function flagOf(field: string): string {
  return `--${kebabCase(field)}`;
}

const PLACEHOLDER: Record<FieldKind, string> = {
  string: "<text>",
  int: "<n>",
  number: "<n>",
  boolean: "<bool>",
  enum: "<name>",
  "duration-ms": "<ms>",
};

function configOption(field: string, def: FieldDef<unknown>): Option {
  const description = `${def.doc} Expected ${def.accepted}; default ${def.defaultDoc}; env ${envVarName(field)}.`;
  return new Option(`${flagOf(field)} ${PLACEHOLDER[def.kind]}`, description)
    .helpGroup(CONFIG_GROUP)
    .argParser((raw: string) => {
      const parsed = def.parseText(raw);
      if (!parsed.ok) throw new InvalidArgumentError(`Expected ${def.accepted}.`);
      return parsed.value;
    });
}

/** Adds a flag for every app setting to `command`. */
export function addConfigFlags(command: Command): Command {
  for (const [field, def] of Object.entries(APP_FIELDS)) {
    command.addOption(configOption(field, def));
  }
  return command;
}

/** The settings given as flags, already parsed and checked, from commander's parsed options. */
export function configFlagValues(options: Readonly<Record<string, unknown>>): Partial<AppConfigValues> {
  const values: Record<string, unknown> = {};
  for (const field of Object.keys(APP_FIELDS)) {
    if (options[field] !== undefined) values[field] = options[field];
  }
  return values;
}

/** What config flags are applied to: an app's conf (or a loaded AppConfig). */
export interface Assignable {
  set<K extends AppConfigField>(field: K, value: AppConfigValues[K]): void;
}

export function applyConfigFlags(conf: Assignable, values: Partial<AppConfigValues>): void {
  for (const [field, value] of Object.entries(values) as [AppConfigField, never][]) {
    conf.set(field, value);
  }
}

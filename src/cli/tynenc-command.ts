/**
 * commander's Command with tynenc's error wording: every parse error names the command it came from,
 * and an unknown command or flag gets the "did you mean" hint the config code gives misspelt settings
 * (one notion of "close enough" across tynenc), instead of commander's own.
 */
import { Command, type ErrorOptions, type HelpContext } from "commander";
import { closestName } from "../config/naming.js";

export class TynencCommand extends Command {
  constructor(name?: string) {
    super(name);
    this.showSuggestionAfterError(false);
  }

  override createCommand(name?: string): TynencCommand {
    return new TynencCommand(name);
  }

  /** `tynenc runner start`: the words that select this command. */
  get path(): string {
    return this.lineage()
      .map((command) => command.name())
      .reverse()
      .join(" ");
  }

  /** This command, its parent, ... up to the program. */
  private lineage(): Command[] {
    const chain: Command[] = [this];
    for (let parent = this.parent; parent; parent = parent.parent) chain.push(parent);
    return chain;
  }

  override error(message: string, options?: ErrorOptions): never {
    const text = message.replace(/^error: /, "");
    const help = `Run "${this.path} --help" for usage.`;
    if (options?.code === "commander.unknownOption") {
      return super.error(`${this.path}: ${this.unknownOptionText(text)}\n${help}`, options);
    }
    if (options?.code === "commander.invalidArgument") {
      return super.error(`${this.path}: ${invalidValueText(text)}\n${help}`, options);
    }
    if (options?.code === "commander.unknownCommand") {
      return super.error(`${this.path}: ${this.unknownCommandText()}\n\n${this.helpInformation()}`, options);
    }
    return super.error(`${this.path}: ${text}\n${help}`, options);
  }

  /** Also shown, on stderr, when a group (`tynenc config`) is given no command: say why first. */
  override help(context?: HelpContext): never;
  override help(cb: (str: string) => string): never;
  override help(context?: HelpContext | ((str: string) => string)): never {
    if (typeof context === "object" && context.error && this.commands.length > 0 && this.args.length === 0) {
      const what = this.parent ? `"${this.name()}" needs a subcommand` : "no command given";
      this.configureOutput().writeErr?.(`${this.path}: ${what}\n\n`);
    }
    return super.help(context as HelpContext);
  }

  private unknownOptionText(text: string): string {
    const flag = /unknown option '([^']+)'/.exec(text)?.[1];
    if (flag === undefined) return text;
    const known = ["--help"];
    for (const command of this.lineage()) {
      for (const option of command.options) if (option.long) known.push(option.long);
    }
    const guess = flag.startsWith("--") ? closestName(flag.split("=")[0] ?? flag, known) : undefined;
    return `unknown option "${flag}"${guess ? `; did you mean ${guess}?` : ""}`;
  }

  private unknownCommandText(): string {
    const word = this.args[0] ?? "";
    const guess = closestName(
      word,
      this.commands.map((command) => command.name()),
    );
    return `unknown command "${word}"${guess ? `; did you mean "${guess}"?` : ""}`;
  }
}

/** commander's "option '--x <n>' argument 'abc' is invalid. <why>" in the config code's wording. */
function invalidValueText(text: string): string {
  const found = /^option '(\S+)[^']*' argument '(.*)' is invalid\. (.*)$/s.exec(text);
  if (!found) return text;
  const [, flag, value, why] = found;
  const reason = why ?? "";
  return `invalid value ${JSON.stringify(value)} for ${flag}: ${reason.charAt(0).toLowerCase()}${reason.slice(1)}`;
}

import type { Command } from "commander";
import { CliError } from "../cli-error.js";

// Placeholder until the owning issue lands; replaced by the real command.
export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("validate (not built yet)")
    .allowUnknownOption()
    .argument("[args...]")
    .action(() => {
      throw new CliError("'chatsync validate' is not built yet");
    });
}

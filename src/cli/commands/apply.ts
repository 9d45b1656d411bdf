import type { Command } from "commander";
import { CliError } from "../cli-error.js";

// Placeholder until the owning issue lands; replaced by the real command.
export function registerApply(program: Command): void {
  program
    .command("apply")
    .description("apply (not built yet)")
    .allowUnknownOption()
    .argument("[args...]")
    .action(() => {
      throw new CliError("'chatsync apply' is not built yet");
    });
}

import type { Command } from "commander";
import { CliError } from "../cli-error.js";

// Placeholder until the owning issue lands; replaced by the real command.
export function registerPlan(program: Command): void {
  program
    .command("plan")
    .description("plan (not built yet)")
    .allowUnknownOption()
    .argument("[args...]")
    .action(() => {
      throw new CliError("'chatsync plan' is not built yet");
    });
}

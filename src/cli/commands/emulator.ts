import type { Command } from "commander";
import { CliError } from "../cli-error.js";

// Placeholder until the owning issue lands; replaced by the real command.
export function registerEmulator(program: Command): void {
  program
    .command("emulator")
    .description("emulator (not built yet)")
    .allowUnknownOption()
    .argument("[args...]")
    .action(() => {
      throw new CliError("'chatsync emulator' is not built yet");
    });
}

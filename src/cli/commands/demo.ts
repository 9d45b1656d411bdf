import type { Command } from "commander";

// The main job (`npm start`). Until the engine lands it only says so.
export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("run the examples against an embedded emulator: plan, apply, plan again")
    .action(() => {
      process.stdout.write("chatsync: nothing declared yet — the sync engine has not landed.\n");
    });
}

/**
 * Asking a person to approve an apply. Only a terminal can answer; without one the apply is
 * refused (CI passes --auto-approve after reviewing the plan).
 */
import { createInterface } from "node:readline/promises";
import { CliError } from "./cli-error.js";

export async function askApproval(
  input: NodeJS.ReadStream,
  output: NodeJS.WriteStream,
): Promise<boolean> {
  if (!input.isTTY) {
    throw new CliError(
      "Refusing to apply without approval: there is no terminal to ask. Review the plan, then run again with --auto-approve (as CI does), or apply a reviewed saved plan: chatsync apply PLANFILE --auto-approve.",
    );
  }
  const rl = createInterface({ input, output });
  try {
    const answer = await rl.question(
      "\nDo you want to perform these actions? Only 'yes' will be accepted: ",
    );
    return answer.trim() === "yes";
  } finally {
    rl.close();
  }
}

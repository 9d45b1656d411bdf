/**
 * Apply progress on stderr: a live-updating status line on a TTY, plain lines in CI (one per
 * finished step and per finished address) so logs stay readable.
 */
import { escapeTerminal } from "../output/inert-text.js";
import { redactUrlsInText } from "../output/url-credentials.js";
import pc from "picocolors";

/** Addresses, step lines and API errors as shown: escaped, URL credentials redacted. */
const t = (text: string): string => escapeTerminal(redactUrlsInText(text));

export interface ProgressReporter {
  /** The apply starts `total` addresses. */
  begin(total: number): void;
  step(address: string, description: string): void;
  stepDone(address: string, description: string): void;
  addressDone(address: string, result: { ok: true } | { ok: false; error: string }): void;
  end(): void;
}

export const silentProgress: ProgressReporter = {
  begin() {},
  step() {},
  stepDone() {},
  addressDone() {},
  end() {},
};

export interface StreamLike {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export function plainProgress(out: StreamLike, color = false): ProgressReporter {
  const c = pc.createColors(color);
  return {
    begin(total) {
      out.write(`Applying ${total} address(es)...\n`);
    },
    step() {},
    stepDone(address, description) {
      out.write(`${t(address)}: ${t(description)}: done\n`);
    },
    addressDone(address, result) {
      out.write(
        result.ok
          ? `${c.green("✓")} ${t(address)}: complete\n`
          : `${c.red("✗")} ${t(address)}: failed: ${t(result.error)}\n`,
      );
    },
    end() {},
  };
}

/** A single status line rewritten in place, with finished addresses printed above it. */
export function ttyProgress(out: StreamLike, color = true): ProgressReporter {
  const c = pc.createColors(color);
  let total = 0;
  let finished = 0;
  const active = new Map<string, string>();
  // A pseudo-terminal without a size (e.g. `script`, some CI runners) reports 0 columns.
  const width = () => Math.max(20, (out.columns || 80) - 1);
  const redraw = () => {
    const [addr, what] = [...active.entries()].at(-1) ?? ["", ""];
    // With --parallelism > 1 the line shows how many addresses are busy, then the latest step
    // (long step texts are cut at the terminal's width, so the count goes first).
    const busy = active.size > 1 ? `${active.size} running, latest ` : "";
    const line = `[${finished}/${total}] ${addr ? `${busy}${t(addr)}: ${t(what)}` : ""}`;
    out.write(`\r\u001b[2K${line.slice(0, width())}`);
  };
  return {
    begin(n) {
      total = n;
      redraw();
    },
    step(address, description) {
      active.set(address, description);
      redraw();
    },
    stepDone() {},
    addressDone(address, result) {
      finished += 1;
      active.delete(address);
      out.write(
        `\r\u001b[2K${result.ok ? `${c.green("✓")} ${t(address)}` : `${c.red("✗")} ${t(address)}: ${t(result.error)}`}\n`,
      );
      redraw();
    },
    end() {
      out.write("\r\u001b[2K");
    },
  };
}

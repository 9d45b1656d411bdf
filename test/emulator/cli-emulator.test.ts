import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import type { Json } from "./emulator-http.js";

const bin = new URL("../../dist/cli/main.js", import.meta.url).pathname;

function startCli(args: string[]) {
  const child = spawn(process.execPath, [bin, "emulator", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const firstLine = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", resolve);
    child.once("exit", (code) =>
      reject(new Error(`emulator exited with ${code} before printing: ${stderr}`)),
    );
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  return { child, firstLine, exited, stderr: () => stderr };
}

describe.skipIf(!existsSync(bin))("chatsync emulator (binary; run `npm run build` first)", () => {
  it("prints one JSON line, serves the API with that token, and stops on SIGTERM with exit 0", async () => {
    const cli = startCli([
      "--port",
      "0",
      "--token",
      "cli-token",
      "--phone-number",
      "+12025550100",
      "--phone-number",
      "+12025550101",
    ]);
    const line = JSON.parse(await cli.firstLine);
    expect(line).toEqual({
      base_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/api\/partner$/),
      token: "cli-token",
      phone_numbers: ["+12025550100", "+12025550101"],
    });
    // People get the how-to on stderr; stdout stays one JSON line for scripts.
    await expect
      .poll(() => cli.stderr())
      .toContain(`export LINQ_API_BASE_URL=${line.base_url} LINQ_API_TOKEN=cli-token`);
    const res = await fetch(`${line.base_url}/v3/phone_numbers`, {
      headers: { authorization: "Bearer cli-token" },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).phone_numbers).toHaveLength(2);
    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
  });

  it("generates a token and owns the examples' two lines by default, and stops on SIGINT", async () => {
    const cli = startCli(["--port", "0", "--rate-limit", "50", "--async-ms", "0"]);
    const line = JSON.parse(await cli.firstLine);
    expect(line.token).toEqual(expect.any(String));
    // The lines every example sends from: a first plan against it must not fail with
    // "from +12025550100 is not a line of this account".
    expect(line.phone_numbers).toEqual(["+12025550100", "+12025550101"]);
    // The control API URL the banner advertises answers with the list of routes.
    const origin = new URL(line.base_url).origin;
    await expect.poll(() => cli.stderr()).toContain(`Control API: ${origin}/__emulator/`);
    const control = await fetch(`${origin}/__emulator/`);
    expect(control.status).toBe(200);
    expect(((await control.json()) as { routes: Array<{ path: string }> }).routes).toContainEqual(
      expect.objectContaining({ method: "POST", path: "/__emulator/simulate" }),
    );
    const unauth = await fetch(`${line.base_url}/v3/chats`);
    expect(unauth.status).toBe(401);
    cli.child.kill("SIGINT");
    expect(await cli.exited).toBe(0);
  });

  it("--help states the defaults of --token and --phone-number once, in words", async () => {
    const r = spawnSync(process.execPath, [bin, "emulator", "--help"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    const help = r.stdout;
    expect(help).not.toContain("(default: [])");
    expect(help.replace(/\s+/g, " ")).toContain("else +12025550100 and +12025550101)");
  });

  it("exits 1 with a clear message for a bad flag value", async () => {
    const cli = startCli(["--port", "0", "--phone-number", "555-0100"]);
    await expect(cli.firstLine).rejects.toThrow();
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toMatch(/555-0100.*E\.164/);
  });

  it("applies --faults and --rate-limit/--rate-limit-burst from the start", async () => {
    const cli = startCli([
      "--port",
      "0",
      "--faults",
      '{"probability":1,"statuses":[503]}',
      "--rate-limit",
      "0.01",
      "--rate-limit-burst",
      "1",
    ]);
    const line = JSON.parse(await cli.firstLine);
    const origin = new URL(line.base_url).origin;
    const get = () =>
      fetch(`${line.base_url}/v3/phone_numbers`, {
        headers: { authorization: `Bearer ${line.token}` },
      });
    const faulted = await get();
    expect(faulted.status).toBe(503);
    expect(((await faulted.json()) as Json).error.code).toBe(4004);
    const off = await fetch(`${origin}/__emulator/faults`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ probability: 0 }),
    });
    expect(off.status).toBe(200);
    // The faulted request spent the bucket's only token; the refill takes 100 s.
    const limited = await get();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(1);
    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
  });

  it("exits 1 naming the problem for --faults that is not JSON or not valid faults", async () => {
    const notJson = startCli(["--port", "0", "--faults", "{probability:1}"]);
    await expect(notJson.firstLine).rejects.toThrow();
    expect(await notJson.exited).toBe(1);
    expect(notJson.stderr()).toMatch(/--faults must be JSON/);
    const badValue = startCli(["--port", "0", "--faults", '{"probability":5}']);
    await expect(badValue.firstLine).rejects.toThrow();
    expect(await badValue.exited).toBe(1);
    expect(badValue.stderr()).toMatch(/probability must be a number from 0 to 1/);
  });
});

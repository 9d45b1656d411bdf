// `npm run mutate [-- plan state model config]`: Stryker over the pure core, one folder at a
// time (each with its own incremental file, so a change in plan/ re-tests only plan/), then one
// table of mutation scores per folder against its target. Exits 1 when a folder is below target.
// `npm run mutate -- --report` prints the table from the last reports without running Stryker.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import config from "../stryker.config.mjs";

/** Minimum mutation score per folder of src/sync-engine (README, "Mutation testing"). */
const TARGETS = { plan: 85, state: 80, model: 80, config: 80 };
const REPORT_DIR = "reports/mutation";

const reportFile = (folder) => `${REPORT_DIR}/${folder}.json`;

/** Runs Stryker on one folder, in this process: the folder's globs and every exclusion. */
async function mutateFolder(folder) {
  const { Stryker } = await import("@stryker-mutator/core");
  const prefix = `src/sync-engine/${folder}/`;
  const mutate = config.mutate.filter((g) => g.startsWith("!") || g.startsWith(prefix));
  await new Stryker({
    mutate,
    incrementalFile: `${REPORT_DIR}/${folder}-incremental.json`,
    jsonReporter: { fileName: reportFile(folder) },
  }).runMutationTest();
}

/** Killed and timed-out mutants are detected; survivors and uncovered ones are not. */
function tally(mutants) {
  const t = { killed: 0, survived: 0, noCoverage: 0, timeout: 0 };
  for (const m of mutants) {
    if (m.status === "Killed") t.killed++;
    else if (m.status === "Timeout") t.timeout++;
    else if (m.status === "Survived") t.survived++;
    else if (m.status === "NoCoverage") t.noCoverage++;
  }
  const detected = t.killed + t.timeout;
  const valid = detected + t.survived + t.noCoverage;
  return { ...t, score: valid === 0 ? 100 : (100 * detected) / valid };
}

const pct = (n) => `${n.toFixed(1)}%`;

/**
 * The survivors stryker.config.mjs justifies as equivalent, as "plan/build-plan.ts:146" keys:
 * its comment lines read `- plan/build-plan.ts:157,159 …` or `- plan/diff-webhooks.ts:117-120 …`.
 */
function justifiedLines() {
  const text = readFileSync(new URL("../stryker.config.mjs", import.meta.url), "utf8");
  const keys = new Set();
  for (const m of text.matchAll(/^\s*\/\/ - (\w+\/[\w./-]+\.ts):([\d,-]+)\s/gm)) {
    for (const part of m[2].split(",")) {
      const [from, to = from] = part.split("-").map(Number);
      for (let line = from; line <= to; line++) keys.add(`${m[1]}:${line}`);
    }
  }
  return keys;
}

function printTable(folders) {
  let ok = true;
  const rows = [];
  const files = [];
  const justified = justifiedLines();
  const unexplained = [];
  for (const folder of folders) {
    if (!existsSync(reportFile(folder))) {
      rows.push(`| ${folder}/ | no report | | | | | ≥ ${TARGETS[folder]}% | missing |`);
      ok = false;
      continue;
    }
    const report = JSON.parse(readFileSync(reportFile(folder), "utf8"));
    const all = [];
    let open = 0;
    for (const [path, file] of Object.entries(report.files)) {
      all.push(...file.mutants);
      for (const m of file.mutants) {
        if (m.status !== "Survived" && m.status !== "NoCoverage") continue;
        const key = `${path.replace("src/sync-engine/", "")}:${m.location.start.line}`;
        if (justified.has(key)) continue;
        open++;
        unexplained.push(`${key} ${m.mutatorName} → ${JSON.stringify(m.replacement ?? "")}`);
      }
      files.push({ path, target: TARGETS[folder], ...tally(file.mutants) });
    }
    const t = tally(all);
    const met = t.score >= TARGETS[folder];
    ok &&= met;
    rows.push(
      `| ${folder}/ | ${pct(t.score)} | ${t.killed + t.timeout} | ${t.survived} | ${t.noCoverage} | ${open} | ≥ ${TARGETS[folder]}% | ${met ? "met" : "BELOW"} |`,
    );
  }
  console.log("\nMutation score of src/sync-engine/ (killed or timed out / all but ignored):\n");
  console.log("| folder | score | detected | survived | no coverage | not justified | target | |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const r of rows) console.log(r);
  const worst = files
    .filter((f) => f.survived + f.noCoverage > 0)
    .sort((a, b) => a.score - b.score);
  if (worst.length > 0) {
    console.log("\nFiles with undetected mutants, worst first:\n");
    for (const f of worst.slice(0, 12)) {
      console.log(
        `  ${pct(f.score).padStart(6)}  ${f.survived} survived, ${f.noCoverage} uncovered  ${f.path}`,
      );
    }
  }
  if (unexplained.length > 0) {
    // Each needs a test that fails, or a line in stryker.config.mjs saying why it is equivalent.
    console.log(
      `\nUndetected mutants not justified in stryker.config.mjs (${unexplained.length}):\n`,
    );
    for (const u of unexplained.slice(0, 40)) console.log(`  ${u}`);
    if (unexplained.length > 40) console.log(`  … and ${unexplained.length - 40} more`);
  }
  return ok;
}

const args = process.argv.slice(2);
const child = args.indexOf("--folder");
if (child >= 0) {
  await mutateFolder(args[child + 1]);
} else {
  const asked = args.filter((a) => !a.startsWith("--"));
  const folders = asked.length > 0 ? asked : Object.keys(TARGETS);
  const unknown = folders.filter((f) => !(f in TARGETS));
  if (unknown.length > 0) {
    console.error(
      `unknown folder ${unknown.join(", ")}; expected ${Object.keys(TARGETS).join(", ")}`,
    );
    process.exit(2);
  }
  if (!args.includes("--report")) {
    for (const folder of folders) {
      // One process per folder: Stryker keeps process-wide state (logging, temp dir).
      const run = spawnSync(process.execPath, [process.argv[1], "--folder", folder], {
        stdio: "inherit",
      });
      if (run.status !== 0) console.error(`Stryker failed on ${folder}/ (exit ${run.status})`);
    }
  }
  process.exit(printTable(folders) ? 0 : 1);
}

/**
 * Crash safety (SPEC §6): an apply killed with SIGKILL at any point, or hit by server errors,
 * rate limiting, reset connections and responses lost after the write committed, converges when
 * simply run again — with exactly one chat per declared address and exactly one welcome message
 * per chat; the once-only sends (contact card share, location request) happen at most once.
 * Kill points are counted in API requests the emulator has seen, not in time, and spread over
 * the length of an uninterrupted apply measured first, so each one lands inside the apply.
 *
 * The suite runs against both readings of the open question §12.1 (does the idempotency key
 * deduplicate POST /v3/chats?): crash-safety.test.ts with an emulator that dedups, and
 * crash-safety-no-chat-dedup.test.ts with one that does not, where only chatsync's own search
 * for the chat an interrupted create made keeps chats from doubling.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { describeRun, type CliResult } from "../support/cli.js";
import {
  activeParticipants,
  apiPath,
  messageText,
  type FaultSettings,
  type RecordedRequest,
} from "../support/emulator-control.js";
import {
  LINE_A,
  createWorkspace,
  findLeaks,
  person,
  type Workspace,
} from "../support/e2e-workspace.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";

interface DeclaredChat {
  key: string;
  type: "group" | "direct";
  members: string[];
  welcome: string;
}

const DECLARED: DeclaredChat[] = [
  ...[0, 1, 2, 3, 4, 5].map((i) => ({
    key: `g${i}`,
    type: "group" as const,
    members: [person(i), person(i + 1)],
    welcome: `Welcome to group ${i}.`,
  })),
  { key: "d0", type: "direct", members: [person(7)], welcome: "Hello number seven." },
  { key: "d1", type: "direct", members: ["dana@example.com"], welcome: "Hello Dana." },
];

/**
 * Every group also gets a name, an icon and the contact card (three more writes and their
 * read-backs after the create); every direct chat a location request. That makes an apply
 * long enough, and varied enough, that kill points land between every kind of step.
 */
function configDoc() {
  const chats: Record<string, unknown> = {};
  for (const c of DECLARED) {
    chats[c.key] =
      c.type === "group"
        ? {
            type: "group",
            participants: c.members,
            welcome_message: c.welcome,
            display_name: `Group ${c.key}`,
            icon: `https://cdn.example.com/icons/${c.key}.png`,
            share_contact_card: true,
          }
        : { type: "direct", to: c.members[0], welcome_message: c.welcome, location_request: true };
  }
  return {
    version: 1,
    defaults: { from: LINE_A },
    contact_cards: { [LINE_A]: { first_name: "Acme", last_name: "Support" } },
    webhooks: {
      events: {
        target_url: HOOK_URL,
        events: ["participant.added", "participant.removed"],
        secret_file: SECRET_FILE,
      },
    },
    chats,
  };
}

const HOOK_URL = "https://hooks.example.com/chatsync-crash";
/** Relative to the config's folder. */
const SECRET_FILE = "secrets/events.whsec";

/**
 * The signing secret is returned once, at creation: however the applies were interrupted, the
 * account ends with one subscription for the URL, and the secret file holds *its* secret.
 */
async function expectWebhookSecretKept(ws: Workspace, context: string): Promise<void> {
  const account = (await ws.emu.control.state()) as {
    subscriptions?: Array<{ target_url: string; signing_secret?: string }>;
  };
  const subs = (account.subscriptions ?? []).filter((s) => s.target_url === HOOK_URL);
  expect(subs.length, `${context}: subscriptions for ${HOOK_URL}`).toBe(1);
  const onDisk = (await readFile(join(ws.dir, SECRET_FILE), "utf8")).trim();
  expect(
    onDisk === subs[0]!.signing_secret,
    `${context}: secret file holds the live subscription's secret`,
  ).toBe(true);
}

/** A request whose effect the emulator committed (answered 2xx, or committed and lost the answer). */
function committed(r: RecordedRequest): boolean {
  return (r.status >= 200 && r.status < 300) || r.fault === "drop_response_after_commit";
}

/** The once-only sends never happen twice for one chat, however the applies were interrupted. */
function expectAtMostOnceSends(requests: RecordedRequest[], context: string): void {
  for (const suffix of ["/share_contact_card", "/location/request"]) {
    const perChat = new Map<string, number>();
    for (const r of requests) {
      const p = apiPath(r);
      if (r.method === "POST" && p.endsWith(suffix) && committed(r))
        perChat.set(p, (perChat.get(p) ?? 0) + 1);
    }
    for (const [path, n] of perChat) expect(n, `${context}: ${path} committed ${n} times`).toBe(1);
  }
}

/** Exactly one live chat per declaration, each holding exactly its one welcome message. */
async function expectExactlyOnce(ws: Workspace, context: string): Promise<void> {
  // The emulator's own record first (it also holds chats the API would no longer list)…
  const account = (await ws.emu.control.state()) as { chats?: unknown[]; messages?: unknown[] };
  expect(account.chats?.length, `${context}: chats in /__emulator/state`).toBe(DECLARED.length);
  expect(account.messages?.length, `${context}: messages in /__emulator/state`).toBe(
    DECLARED.length,
  );
  // …then per declaration, through the public API.
  const live = await ws.emu.control.listChats();
  expect(live.length, `${context}: live chat count`).toBe(DECLARED.length);
  for (const d of DECLARED) {
    const matches = live.filter(
      (c) =>
        c.is_group === (d.type === "group") &&
        activeParticipants(c).join() === [...d.members].sort().join(),
    );
    expect(matches.length, `${context}: chats for ${d.key}`).toBe(1);
    const texts = (await ws.emu.control.listMessages(matches[0]!.id)).map(messageText);
    expect(texts, `${context}: messages in ${d.key}`).toEqual([d.welcome]);
  }
}

/** Runs apply until it exits 0, at most `attempts` times; returns every run. */
async function applyUntilSuccess(ws: Workspace, attempts: number): Promise<CliResult[]> {
  const runs: CliResult[] = [];
  for (let i = 0; i < attempts; i++) {
    const r = await ws.apply(["--auto-approve"]);
    runs.push(r);
    if (r.code === 0) return runs;
  }
  throw new Error(
    `apply did not succeed in ${attempts} attempts; last run:\n${describeRun(runs.at(-1)!)}`,
  );
}

export interface CrashSafetySuiteOptions {
  /** The emulator's reading of §12.1. */
  chatCreateDedup: boolean;
  /** Kill after this fraction of an uninterrupted apply's requests. */
  killFractions: number[];
  /** Names of the FAULTS scenarios to run. */
  faults: string[];
  rateLimited: boolean;
  /** Where the state lives: a file per scenario (default), or a state name per scenario on a real PostgreSQL. */
  backend?: "file" | "postgres";
}

export function defineCrashSafetySuite(opts: CrashSafetySuiteOptions): void {
  let ws: Workspace;
  let scenario = 0;
  let db: TestDatabase | undefined;

  /** Empty account, no state: each scenario starts from scratch. */
  async function freshStart(): Promise<void> {
    scenario += 1;
    await ws.emu.control.setFaults({ probability: 0 });
    await ws.emu.control.reset();
    ws.statePath = db
      ? db.stateUrl(`scenario-${scenario}`)
      : join(ws.dir, `scenario-${scenario}`, "state.json");
    await rm(join(ws.dir, SECRET_FILE), { force: true });
  }

  /** Requests an uninterrupted apply of the config makes (measured once, with the latency on). */
  let fullApplyRequests = 0;

  beforeAll(async () => {
    ws = await createWorkspace({ chatCreateDedup: opts.chatCreateDedup });
    if (opts.backend === "postgres") {
      db = await createTestDatabase("crash");
      ws.env = { PGPASSWORD: db.password };
    }
    await ws.writeConfig(configDoc());
    await freshStart();
    await ws.emu.control.setFaults({ probability: 0, latency_ms: [40, 80] });
    const start = await ws.emu.control.lastSeq();
    const r = await ws.apply(["--auto-approve"]);
    if (r.code !== 0) throw new Error(`calibration apply failed\n${describeRun(r)}`);
    fullApplyRequests = (await ws.emu.control.requestsSince(start)).length;
  }, 120_000);
  afterAll(async () => {
    await ws?.close();
    await db?.drop();
  });

  for (const fraction of opts.killFractions) {
    it(
      `apply killed with SIGKILL ${Math.round(fraction * 100)}% of the way in, then run again, creates every chat and welcome exactly once`,
      { timeout: 120_000 },
      async () => {
        const k = Math.max(1, Math.floor(fullApplyRequests * fraction));
        await freshStart();
        // Slow every request down so the kill lands while the apply is mid-flight.
        await ws.emu.control.setFaults({ probability: 0, latency_ms: [40, 80] });
        const start = await ws.emu.control.lastSeq();
        const running = ws.startApply(["--auto-approve"]);
        let finished = false;
        void running.result.then(() => (finished = true));
        for (let polls = 0; polls < 20_000 && !finished; polls++) {
          const seen = (await ws.emu.control.requestsSince(start)).length;
          if (seen >= k) {
            running.child.kill("SIGKILL");
            break;
          }
          await new Promise((r) => setTimeout(r, 5));
        }
        const killed = await running.result;
        // Every kill point lies inside the apply (a full run makes more requests than the largest k).
        expect(killed.signal, describeRun(killed)).toBe("SIGKILL");
        const writesBeforeKill = await ws.emu.control.writesSince(start);

        await ws.emu.control.setFaults({ probability: 0 });
        const rerun = await ws.apply(["--auto-approve"]);
        expect(rerun.code, describeRun(rerun)).toBe(0);
        const context = `killed after ${k} of ${fullApplyRequests} requests (${writesBeforeKill.length} writes before the kill)`;
        await expectExactlyOnce(ws, context);
        expectAtMostOnceSends(await ws.emu.control.requestsSince(start), context);
        await expectWebhookSecretKept(ws, context);

        const before = await ws.emu.control.lastSeq();
        const again = await ws.apply(["--auto-approve"]);
        expect(again.code, describeRun(again)).toBe(0);
        expect(await ws.emu.control.writesSince(before)).toEqual([]);
      },
    );
  }

  const ALL_FAULTS: Array<[string, FaultSettings]> = [
    [
      "5xx responses",
      {
        probability: 0.3,
        statuses: [500, 503],
        reset_connection: false,
        drop_response_after_commit: false,
      },
    ],
    [
      "429 responses",
      {
        probability: 0.3,
        statuses: [429],
        reset_connection: false,
        drop_response_after_commit: false,
      },
    ],
    [
      "connection resets",
      { probability: 0.3, statuses: [], reset_connection: true, drop_response_after_commit: false },
    ],
    [
      "responses lost after commit",
      { probability: 0.3, statuses: [], reset_connection: false, drop_response_after_commit: true },
    ],
    [
      "all of them at once",
      {
        probability: 0.3,
        statuses: [500, 503, 429],
        reset_connection: true,
        drop_response_after_commit: true,
      },
    ],
  ];

  for (const [name, faults] of ALL_FAULTS.filter(([n]) => opts.faults.includes(n))) {
    it(
      `with ${name} (p=0.3), repeated applies converge with every chat and welcome exactly once`,
      { timeout: 180_000 },
      async () => {
        await freshStart();
        const start = await ws.emu.control.lastSeq();
        await ws.emu.control.setFaults(faults);
        const runs = await applyUntilSuccess(ws, 12);
        const faulted = (await ws.emu.control.requestsSince(start)).filter(
          (r) => r.fault !== undefined,
        );
        expect(
          faulted.length,
          "no request was hit by a fault; the scenario proved nothing",
        ).toBeGreaterThan(0);
        expect(runs.at(-1)!.code).toBe(0);
        // No 429 is ever shown to the user as an error: the client waits and retries.
        for (const r of runs) expect(r.stderr).not.toMatch(/\b1007\b|rate limit(ed)? exceeded/i);

        await ws.emu.control.setFaults({ probability: 0 });
        await expectExactlyOnce(ws, `faults: ${name}`);
        expectAtMostOnceSends(await ws.emu.control.requestsSince(start), `faults: ${name}`);
        await expectWebhookSecretKept(ws, `faults: ${name}`);
        const before = await ws.emu.control.lastSeq();
        const again = await ws.apply(["--auto-approve"]);
        expect(again.code, describeRun(again)).toBe(0);
        expect(await ws.emu.control.writesSince(before)).toEqual([]);
      },
    );
  }

  if (opts.rateLimited) {
    it(
      "under a real rate limit (5 req/s, burst 2) one apply succeeds, 429s never reach the user, everything exactly once",
      { timeout: 180_000 },
      async () => {
        await freshStart();
        await ws.emu.control.setRateLimit(5, 2);
        try {
          const r = await ws.apply(["--auto-approve"]);
          expect(r.code, describeRun(r)).toBe(0);
          expect(r.stderr).not.toMatch(/\b1007\b|rate limit(ed)? exceeded/i);
        } finally {
          await ws.emu.control.setRateLimit(0);
        }
        await expectExactlyOnce(ws, "rate limited");
        await expectWebhookSecretKept(ws, "rate limited");
      },
    );
  }

  it("no run, interrupted or not, printed or stored the token or a signing secret", async () => {
    // At least a killed run and its re-run per kill point, and a run per fault scenario.
    expect(ws.runs.length).toBeGreaterThan(2 * opts.killFractions.length + opts.faults.length);
    const needles = [ws.emu.token, "whsec_", ...(db ? [db.password] : [])];
    expect(await findLeaks(ws, needles, [join(ws.dir, SECRET_FILE)])).toEqual([]);
    if (db) {
      const rows = await db.query(
        "SELECT snapshot::text AS s FROM chatsync_state_versions UNION ALL SELECT entry::text FROM chatsync_state_journal",
      );
      expect(rows.length).toBeGreaterThan(0);
      for (const n of needles) expect(JSON.stringify(rows)).not.toContain(n);
    }
  });
}

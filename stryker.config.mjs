// Mutation testing of the pure core (`npm run mutate`, issue 12). Stryker changes one operator or
// branch at a time in the files below and runs the unit tests of vitest.mutate.config.ts against
// each change; a change no test notices is a "survivor". scripts/mutate.mjs runs this per folder
// and holds the targets. Not part of `npm test` or .ci/run: it takes minutes, not seconds.
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutate.config.ts" },
  plugins: ["@stryker-mutator/vitest-runner"],
  mutate: [
    "src/sync-engine/plan/**/*.ts",
    "src/sync-engine/state/**/*.ts",
    "src/sync-engine/model/**/*.ts",
    "src/sync-engine/config/**/*.ts",
    // Orchestration of I/O, not logic: refreshes against the API, opens the state backend.
    "!src/sync-engine/plan/run-plan.ts",
    // Backends read and write files and PostgreSQL; test/state/*-backend.test.ts cover them.
    "!src/sync-engine/state/backends/**",
    // Lock files, process ids and hostnames on disk; test/state/file-lock.test.ts covers it.
    "!src/sync-engine/state/state-lock.ts",
    // Walks folders and reads files; the text it reads is parsed and resolved by mutated files.
    "!src/sync-engine/config/load-config.ts",
  ],
  // Equivalent mutants left surviving, one line each: no input makes the mutated code behave
  // differently where a caller or user can see it. (No `// Stryker disable` in the sources: it
  // would also switch off the meaningful mutants of the same kind on that line.) Line numbers
  // are those of the sources as last measured; `npm run mutate` lists any survivor not here.
  // src/sync-engine/plan/:
  // - plan/build-plan.ts:100 ArrayDeclaration `others: []` → ["Stryker was here"]: the second loop
  //   replaces `others` of every address that got a chat.
  // - plan/build-plan.ts:146 ConditionalExpression `r.kind === "contact_card"` → false: a card's
  //   state has no `id` and no `retired`, so it adds no owner either way.
  // - plan/build-plan.ts:146 StringLiteral "contact_card" → "": same as above.
  // - plan/build-plan.ts:147 ConditionalExpression `r.id` → true: a state without an id adds the key
  //   "chat undefined", which no import id equals (ids are non-empty).
  // - plan/build-plan.ts:148 ConditionalExpression `r.kind === "chat"` → true: only chats have
  //   `retired`, so other kinds add nothing.
  // - plan/build-plan.ts:148 ArrayDeclaration `r.retired ?? []` → ["Stryker was here"]: the string's
  //   `id` is undefined, a key no import id equals.
  // - plan/build-plan.ts:157,159 ArrayDeclaration (the lists --destroy ignores) → ["Stryker was
  //   here"]: a bare string names no address, so nothing is moved or imported either way.
  // - plan/build-plan.ts:186 MethodExpression `.sort()` of the suggestions: the order only decides
  //   between equally near suggestions, and either is a right answer.
  // - plan/build-plan.ts:214 ConditionalExpression/LogicalOperator `r.kind === "webhook" && r.id`:
  //   chat ids and `undefined` are never webhook subscription ids, so the claimed set answers
  //   the same for every webhook.
  // - plan/build-plan.ts:226,261,301 ConditionalExpression `res?.kind === <kind>` → true: a state
  //   entry's kind always matches its address prefix (chatsync writes both; the schema and
  //   state-document-check refuse a mismatch).
  // - plan/build-plan.ts:285 MethodExpression/ConditionalExpression (own id left out of `claimed`):
  //   the address's own id is either live (then found by id, `claimed` unused) or gone (then not
  //   adoptable); no input tells them apart.
  // - plan/build-plan.ts:288 BooleanLiteral `? true` → false: `secretFilePresent` is read only when
  //   a secret_file is declared.
  // - plan/build-plan.ts:291 ArrayDeclaration `opts.replace ?? []` → ["Stryker was here"]: no
  //   address is "Stryker was here".
  // - plan/build-plan.ts:295 ConditionalExpression `s.op === "adopt_webhook"` → true: the next line
  //   checks the op again before claiming.
  // - plan/build-plan.ts:304 LogicalOperator/OptionalChaining (phone of a card): a card's address is
  //   contact_card.<phone>, so every fallback yields the same phone.
  // - plan/build-plan.ts:319 ConditionalExpression/StringLiteral (an imported card's state): that
  //   state has no applied spec, which the card diff reads the same as no state.
  // - plan/build-plan.ts:338 OptionalChaining `res?.applied` → `res.applied`: reached only for a
  //   moved address, whose state entry exists.
  // - plan/build-plan.ts:341 StringLiteral `?? "chat"` → "": reached only for chat, webhook and card
  //   addresses (unknown kinds return before).
  // - plan/build-plan.ts:344 ConditionalExpression/LogicalOperator (`liveId` of a move): a card has
  //   no id and a chat never created has none; an undefined liveId is dropped by
  //   withStateOnlyStep either way.
  // - plan/diff-chats.ts:68 ArrayDeclaration default keptOut → ["Stryker was here"]: removes only a
  //   participant named that; handles are E.164 numbers or lower-case emails.
  // - plan/diff-chats.ts:99,107 ConditionalExpression `d.type === "group"` → true: a direct
  //   declaration has no display_name or icon (the schema refuses them).
  // - plan/diff-chats.ts:117,257 ConditionalExpression `d.type === "direct"` → true: a group cannot
  //   declare location_request (the schema refuses it).
  // - plan/diff-chats.ts:154 OptionalChaining `d?.type` → `d.type`: driftOf is called only on the
  //   declared path, where `d` exists.
  // - plan/diff-chats.ts:212 ConditionalExpression `live !== undefined` → true: a live direct chat
  //   always lists its other handle, active or left.
  // - plan/diff-chats.ts:304 OptionalChaining `st?.from` → `st.from`: runs only when `st.retired`
  //   has entries, so `st` exists.
  // - plan/diff-chats.ts:370 ConditionalExpression/OptionalChaining `first?.op === "create_chat"`:
  //   `steps[0]` of a new chat is always its create_chat step.
  // - plan/diff-chats.ts:372 OptionalChaining `pending?.request` → `pending.request`: `found` is set
  //   only when `pending?.request` is.
  // - plan/diff-chats.ts:375 ArrayDeclaration `intents: []` → ["Stryker was here"]: intents are
  //   searched by `.purpose`, which a string lacks.
  // - plan/diff-chats.ts:473 ConditionalExpression `d.type === "group"` → true: the excluded set
  //   feeds only recipientsOf and appliedFrom, which ignore it for direct chats.
  // - plan/diff-chats.ts:524 ConditionalExpression/LogicalOperator `d.type === "group" && roster`:
  //   `roster` is set exactly for groups, so the test is `roster` alone.
  // - plan/diff-chats.ts:564 ArrayDeclaration `roster?.keptOut ?? []` → ["Stryker was here"]:
  //   `roster` is missing only for direct chats, whose applied spec ignores keptOut.
  // - plan/diff-chats.ts:648 StringLiteral default on_delete "leave" → "": only with neither
  //   declaration nor applied spec, where prevent_destroy is false and the value is never shown.
  // - plan/diff-chats.ts:681 ConditionalExpression (create intent of a chat without id) → true: a
  //   chat state without an id exists only while its create is journaled.
  // - plan/diff-webhooks.ts:115 ConditionalExpression `u === undefined` → false: `want` is always
  //   defined where driftOf is called, so no URL is undefined.
  // - plan/diff-webhooks.ts:117-120 OptionalChaining `want?.…` → `want.…`: same; `want` is always
  //   defined.
  // - plan/diff-webhooks.ts:193,205 OptionalChaining `st?.…` → `st.…`: reached only with `byId`,
  //   which needs a state id.
  // - plan/find-lookalike-chats.ts:50 ConditionalExpression type check → false: applied specs keep
  //   `participants` only for groups and `to` only for direct chats, so a type mismatch already
  //   fails the next comparison.
  // - plan/find-lookalike-chats.ts:52 ArrayDeclaration `?? []` → ["Stryker was here"]: a group's
  //   applied spec always has participants.
  // - plan/find-lookalike-chats.ts:69 ConditionalExpression `c.kind === "chat"` → true: a non-chat
  //   removal is skipped two lines below, its state entry not being a chat.
  // - plan/find-lookalike-chats.ts:73 ConditionalExpression `created.kind !== "chat"` → false: a
  //   webhook or card address has no declared chat, so `!d` skips it.
  // - plan/live-chat-view.ts:14 ConditionalExpression `line !== undefined` → true: every handle has
  //   a handle string, which never equals undefined.
  // - plan/plan-imports.ts:141 ConditionalExpression managedBy check → true: the case of the address
  //   itself returned three lines earlier (webhooks have no retired ids).
  // - plan/plan-imports.ts:207 ConditionalExpression `liveId !== undefined` → true: adds `liveId:
  //   undefined`, which withStateOnlyStep drops.
  // - plan/plan-moves.ts:22 ConditionalExpression `moves.length === 0` → false: returns an equal
  //   copy instead of the same object; nothing compares them by identity.
  // - plan/plan-moves.ts:52 LogicalOperator `&&` → `||`: differs only for an `id` key holding an
  //   empty value, which the state schema refuses.
  // - plan/removal-guard.ts:50 `removes > 0 &&` → `true` or `>= 0`: with no removal, 0 * 2 > roster
  //   is false for any roster (a length).
  coverageAnalysis: "perTest",
  // Two cores, shared with other test suites: at most two test runners.
  concurrency: 2,
  timeoutMS: 20_000,
  // A static mutant (a module-level constant) reruns every test; at concurrency 1 that costs
  // minutes each. They are left out of the score rather than measured.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: "reports/mutation/stryker-incremental.json",
  reporters: ["clear-text", "json", "progress"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  clearTextReporter: { allowEmojis: false, reportTests: false, reportMutants: false },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};

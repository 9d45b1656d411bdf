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
  // - plan/plan-imports.ts:145 ConditionalExpression managedBy check → true: the case of the address
  //   itself returned three lines earlier (webhooks have no retired ids).
  // - plan/plan-imports.ts:211 ConditionalExpression `liveId !== undefined` → true: adds `liveId:
  //   undefined`, which withStateOnlyStep drops.
  // - plan/plan-moves.ts:22 ConditionalExpression `moves.length === 0` → false: returns an equal
  //   copy instead of the same object; nothing compares them by identity.
  // - plan/plan-moves.ts:52 LogicalOperator `&&` → `||`: differs only for an `id` key holding an
  //   empty value, which the state schema refuses.
  // - plan/removal-guard.ts:50 `removes > 0 &&` → `true` or `>= 0`: with no removal, 0 * 2 > roster
  //   is false for any roster (a length).
  // src/sync-engine/state/:
  // - state/account-binding.ts:29 Regex → /\[|\]$/g: a WHATWG URL hostname can hold "[" only as the
  //   first character of an IPv6 literal.
  // - state/account-binding.ts:29 Regex → /^\[|\]/g: a WHATWG URL hostname can hold "]" only as the
  //   last character of an IPv6 literal.
  // - state/account-binding.ts:30 BlockStatement → {}: for an unparsable URL, host stays undefined,
  //   so every loopback test fails and it is "remote" anyway.
  // - state/account-binding.ts:40 ConditionalExpression → false: new URL("embedded-emulator")
  //   throws, and the catch returns the endpoint unchanged.
  // - state/state-document-check.ts:10 ConditionalExpression `typeof d !== "object"` → false: a
  //   truthy non-object has no `format` property, so the format check refuses it anyway.
  // - state/state-schema.ts:32 ConditionalExpression → true: it recompiles the same schema on every
  //   call; only the cost changes, never the verdict or the message.
  // - state/state-schema.ts:34 BooleanLiteral strict → false: the schema compiles cleanly under
  //   strict mode, so the only runtime difference is strictNumbers (NaN/Infinity), which a state
  //   stored as JSON cannot contain.
  // - state/state-schema.ts:34 BooleanLiteral strictRequired → true: every `required` name in the
  //   state schema is declared under `properties`, so it compiles and validates the same (checked).
  // - state/state-schema.ts:47 ArrayDeclaration → ["Stryker was here"]: ajv always sets
  //   `validate.errors` when validation fails, so the `?? []` fallback never runs.
  // - state/state-schema.ts:48 StringLiteral → "": `problem` is undefined only if every error is an
  //   "if" error, but ajv always reports an "if" failure together with its "then" branch's own
  //   errors.
  // - state/state-schema.ts:49 StringLiteral → "": same as line 48; with a failing validation there
  //   is always a non-"if" error, so this fallback text is never used.
  // - state/state-schema.ts:62 MethodExpression → errors: ajv pushes an "if" error after its "then"
  //   errors, which sit at the same path or deeper, so the strict `>` in mostSpecific never chooses
  //   it.
  // - state/state-schema.ts:62 ConditionalExpression → true: same as the MethodExpression on line
  //   62; "if" errors never win the depth comparison.
  // - state/state-schema.ts:62 StringLiteral "if" → "": same as the MethodExpression on line 62;
  //   keeping the "if" errors never changes which error is reported.
  // - state/state-schema.ts:105 StringLiteral " or " → "": the state schema has no multi-type
  //   `type`, so the join always has a single element.
  // - state/state-schema.ts:117 ConditionalExpression → default: (emptied): the state schema's only
  //   error keywords are type/required/const/enum/minimum/minLength (handled above) and "if"
  //   (filtered out), so the default branch is never reached.
  // - state/state-schema.ts:118 LogicalOperator → e.message && "is invalid": this is in the default
  //   branch, which the state schema never reaches (see line 117).
  // - state/state-schema.ts:118 StringLiteral → "": the default branch is never reached, and ajv
  //   always sets `message` anyway.
  // - state/state-store.ts:94 ConditionalExpression → true: validateStateDocument throws only
  //   StateSchemaError for a state read from JSON; anything else would need a missing or corrupt
  //   schema file in the install.
  // - state/state-store.ts:222 ConditionalExpression → true: with nothing pending and no meta
  //   change, flush returns at once, so the extra commit([]) writes nothing.
  // - state/state-store.ts:222 EqualityOperator → this.pendingAddresses.size >= 0: the condition is
  //   always true, which is equivalent for the reason given for the `true` mutant on line 222.
  // - state/state-store.ts:270 ConditionalExpression → true: this adds only `account: undefined`,
  //   which both backends drop in JSON.stringify and replay ignores, so nothing stored changes.
  // src/sync-engine/model/:
  // - model/canonical.ts:70 ConditionalExpression → true: an object's keys are distinct, so "not a <
  //   b" already means "a > b".
  // - model/canonical.ts:70 EqualityOperator a < b → a <= b: an object's keys are distinct, so a ===
  //   b never occurs.
  // - model/canonical.ts:70 ConditionalExpression → false: V8's TimSort only tests `comparator < 0`,
  //   so 0 and 1 for a > b sort the same (checked up to 5000 keys: shuffled, reversed and run-
  //   structured).
  // - model/canonical.ts:70 EqualityOperator a > b → a >= b: an object's keys are distinct, so a >=
  //   b and a > b agree whenever a < b is false.
  // - model/canonical.ts:70 EqualityOperator a > b → a <= b: when a > b it returns 0 instead of 1,
  //   and V8's sort reads only `< 0` (same as the `false` mutant).
  // - model/canonical.ts:92 StringLiteral "utf8" → "": Node's Hash.update treats an empty encoding
  //   as the default UTF-8 (checked: the same digest for non-ASCII text).
  // - model/manifest.ts:82 ConditionalExpression → true: this adds only `imports/moved: undefined`,
  //   which ajv's `properties` check and CheckedDocument.list() both skip, so the resolved state is
  //   the same.
  // - model/manifest.ts:116 LogicalOperator → errors.length > 0 && !result.state: resolveDocuments
  //   returns a state exactly when there are no error diagnostics, so both operands always agree.
  // - model/manifest.ts:135 StringLiteral "utf8" → "": readFile then returns a Buffer, which
  //   JSON.parse turns into a string as UTF-8, giving the same text.
  // src/sync-engine/config/:
  // - config/resolve-imports-and-moves.ts:73,82,121,127,141 StringLiteral anchor "value" → "":
  //   placeOf treats every anchor but "key" as the value's position.
  // - config/resolve-imports-and-moves.ts:91 ConditionalExpression/EqualityOperator (sort by `to`):
  //   `to` values are unique (an address imported twice is refused), and V8's sort reads only `< 0`.
  // - config/resolve-imports-and-moves.ts:160 ConditionalExpression/EqualityOperator (sort by
  //   `from`): `from` values are unique (an address moved twice is refused), and V8's sort reads
  //   only `< 0`.
  // - config/resolve-defaults.ts:46 ConditionalExpression → "false": (raw.on_delete === "forget")
  //   out starts as a copy of BUILT_IN_DEFAULTS, whose on_delete is already "forget".
  // - config/did-you-mean.ts:8 ConditionalExpression → "false": a shortcut only; for equal
  //   strings the table's diagonal costs 0, so the computed distance is 0 anyway.
  // - config/did-you-mean.ts:24 EqualityOperator → "i >= 1": and → "j >= 1", LogicalOperator
  //   → "i > 1 || j > 1", ConditionalExpression → "true" on "i > 1", "j > 1", "i > 1 && j > 1":
  //   with i = 1 (or j = 1) the swap test reads a[-1] (or b[-1]), which is undefined and never
  //   equals a letter, so the swap branch is skipped exactly as before.
  // - config/normalize-handle-list.ts:56 StringLiteral → "": ("value" anchor of placeOf)
  //   DocumentContext.position treats every anchor other than "key" as the value: same place.
  // - config/resolve-chat.ts:138 BlockStatement → "{}": the block only sets `to = undefined`, and
  //   `to` is declared just above without a value, so it is undefined either way.
  // - config/resolve-imports-and-moves.ts:53 ConditionalExpression → "false": for a contact_card
  //   address `${kindOf(to)}s` is "contact_cards" too, so both branches give the same text.
  // - config/resolve-imports-and-moves.ts:53 StringLiteral "contact_card" → "": differs only for an
  //   address with an empty kind (".x", "x"); its one caller passes only lists that passed the
  //   schema (CheckedDocument.list), whose `to` always starts with chat., webhook. or contact_card.
  // - config/document-context.ts:37,78,97,101 StringLiteral → "": the default anchor "value" only
  //   matters through `at === "key"` in position(); "" is not "key" either, so both mean the value.
  // - config/document-context.ts:66 EqualityOperator → "found <= 0": found is 0 only when the search
  //   starts at offset 0, i.e. the value starts at 1:1 (positions are 1-based), and then the needle's
  //   position computed from found is 1:1 too, the start that the mutant returns.
  // - config/diagnostics.ts:50 ConditionalExpression → "true": only a cache; splitting the same text
  //   again gives the same lines.
  // - config/diagnostics.ts:66 ConditionalExpression → "false", EqualityOperator → "<": for a line of
  //   at most MAX_SNIPPET_WIDTH chars, full.length - MAX_SNIPPET_WIDTH <= 0, so the window formula
  //   also gives start 0 (tested: a line exactly at the width is not cut).
  // - config/diagnostics.ts:100 ConditionalExpression → "true": without a line, caretSnippet looks up
  //   lines[NaN], which is undefined, so no snippet is printed either way.
  // - config/diagnostics.ts:104 Regex → "/\^/": the caret line holds one "^", at its end; the gutter
  //   is spaces and "| ", the padding only spaces and tabs.
  // - config/handle-normalization.ts:32 StringLiteral → "": every code reasonFor gets is a key of
  //   LENGTH_REASONS: validatePhoneNumberLength returns ParseError messages (INVALID_COUNTRY,
  //   NOT_A_NUMBER, TOO_SHORT, TOO_LONG) or checkNumberLength's (TOO_SHORT, TOO_LONG,
  //   INVALID_LENGTH); the catch below is unreachable too.
  // - config/handle-normalization.ts:56 StringLiteral → "Stryker was here!": strayCharacter runs only
  //   when PHONE_CHARACTERS failed on a text that starts with "+", so a character after the "+" is
  //   outside the class and find() never returns undefined.
  // - config/handle-normalization.ts:58 EqualityOperator → "code <= 0x20": the one character added is
  //   the space, which is allowed in a phone number and so is never the stray character.
  // - config/handle-normalization.ts:100-104 BlockStatement, StringLiteral, ObjectLiteral,
  //   BooleanLiteral (the catch of parsePhoneNumberWithError): validatePhoneNumberLength has just run
  //   the same parser on the same text and returned any ParseError as a code; the only difference is
  //   extract mode (trims trailing separators), and a 22k-input fuzz of the allowed characters found
  //   no input that throws there. A guard, unreachable with this libphonenumber-js.
  // - config/resolve-document.ts:57 MethodExpression → "Math.max": for paths shorter than 3 the
  //   extra slices equal the whole path (already in the set); deeper prefixes are never looked up
  //   in the set (hasIssuesUnder scans the issues for prefixes longer than 3).
  // - config/resolve-document.ts:69 EqualityOperator → "<", ConditionalExpression → "false": the
  //   prefix set is an index of the same answer the linear startsWith scan gives; speed only.
  // - config/resolve-document.ts:84-85 ConditionalExpression → "false", MethodExpression →
  //   "every", ArrowFunction → "() => undefined", EqualityOperator → "i.path.length !==",
  //   StringLiteral → "": these never drop a list whose key the schema refused. Such lists are
  //   unknown keys or participants on a direct chat, which no resolver reads, so keeping them
  //   changes nothing (no list item can carry a key-anchored issue, so "!==" matches nothing).
  // - config/resolve-document.ts:85 ConditionalExpression → "true" (length check): drops on a key
  //   issue below the field too, but list items (handles, events) only ever get value issues.
  // - config/resolve-document.ts:108 LogicalOperator → "&&", ArrowFunction → "() => undefined",
  //   ConditionalExpression → "false", EqualityOperator → "< 1": an issue at [section] exists
  //   exactly when the section is present and not a mapping (the schema's type error); a mapping
  //   section never has one, and an absent one is undefined either way.
  // - config/resolve-document.ts:182 EqualityOperator → "a <= b": Map keys are distinct, so no
  //   comparison sees a === b.
  // - config/resolve-document.ts:190,228 StringLiteral → "": placeOf's anchor "" is not "key", so
  //   the position is taken from the value, exactly as with "value".
  // - config/resolve-document.ts:195 ConditionalExpression → "true": resolveWebhook always sets
  //   secret_file (the default .chatsync/secrets/<key>.whsec when none is written).
  // - config/resolve-document.ts:313 StringLiteral → "": duplicateError names every section other
  //   than chats and webhooks "contact card", so "" gives the same message.
  // - config/resolve-document.ts:338 ConditionalExpression → "true" (usable.from === undefined):
  //   differs only when the chat's own from passed the schema (a string); resolveChat then uses it
  //   and never reads defaults.from or fromInvalid; the other defaults are kept by the spread.
  // - config/schema-validator.ts:53 BooleanLiteral strict → false: the schema compiles cleanly in
  //   strict mode and has no number/integer types (strictNumbers), so the validator is the same.
  // - config/schema-validator.ts:57 StringLiteral schemaType "string" → "": it only checks the
  //   schema's own patternErrorMessage values at compile time, and all of them are strings.
  // - config/schema-validator.ts:74 ConditionalExpression/LogicalOperator (valueAt guard): valueAt
  //   walks only paths ajv reported in the data, so every segment but the last lands on an object.
  // - config/schema-validator.ts:85 Regex → /\d+$/ or /^\d+/: applied only inside an array, where
  //   ajv's instancePath segments are always plain decimal indexes.
  // - config/schema-validator.ts:88 ConditionalExpression/LogicalOperator: toDocPath walks an
  //   existing instancePath, so every container it steps into is an object.
  // - config/schema-validator.ts:139 StringLiteral "is not allowed here": unreachable; a false-
  //   schema key is to/location_request on a group or a GROUP_ONLY key on a direct chat.
  // - config/schema-validator.ts:180 LogicalOperator and both ConditionalExpression → true: the top
  //   level requires only "version", and nothing else requires a key named "version".
  // - config/schema-validator.ts:183 ConditionalExpression `parent.length === 2` → true: under chats
  //   only chat entries (depth 2) have required keys.
  // - config/schema-validator.ts:185-186 case "welcome_message" (ConditionalExpression,
  //   StringLiteral, message): the schema never requires welcome_message.
  // - config/schema-validator.ts:228 StringLiteral case "allOf" → "": ajv reports no error of its
  //   own for allOf, only the errors of the failing subschemas.
  // - config/schema-validator.ts:234 ConditionalExpression `apiName !== undefined` → true:
  //   allowed.includes(undefined) is false, so renamed stays undefined.
  // - config/schema-validator.ts:255 OptionalChaining chat?.type → chat.type: a false-schema error
  //   sits on a key of an existing chat mapping, so chat is always defined.
  // - config/schema-validator.ts:287,294-297 (const branch): the only const ajv reports is version;
  //   the consts inside the chat allOf's if-conditions are never reported.
  // - config/schema-validator.ts:300 ArrayDeclaration `?? []`: with verbose: true every enum error
  //   carries its parentSchema, which has the enum.
  // - config/schema-validator.ts:301 LogicalOperator and both operands → true: the only enum under
  //   webhooks is the events items, and events exist only under webhooks.
  // - config/schema-validator.ts:315 LogicalOperator, `path[0] === "chats"` → true, `path[2] ===
  //   "participants"` → true: under chats only participants has minItems, and only chats have it.
  // - config/schema-validator.ts:323,330-333 (minItems after participants): the only other
  //   minItems in the schema is webhook events, so the generic branch is never reached.
  // - config/schema-validator.ts:336,344-347 (maxItems): the only maxItems in the schema is chat
  //   participants, so the test is always true and the generic branch is never reached.
  // - config/schema-validator.ts:364 ConditionalExpression `typeof value === "string"` → true:
  //   ajv checks pattern only on strings.
  // - config/schema-validator.ts:378-379 ConditionalExpression/StringLiterals (empty vs blank):
  //   every "\S" field also has minLength 1, reported first for "", and one issue per path is kept.
  // - config/schema-validator.ts:388,390 (pattern without patternErrorMessage): every pattern that
  //   reaches it (import id, address) has one; logical_key keys go through propertyNames.
  // - config/schema-validator.ts:401 ConditionalExpression → true: maxLength applies only to strings.
  // - config/schema-validator.ts:408-409 default branch: every keyword ajv reports for this schema
  //   has its own case (type, required, additionalProperties, false schema, const, enum, if, ...).
  // - config/schema-validator.ts:422 ArrayDeclaration `?? []`: ajv always sets validate.errors when
  //   validation fails.
  // - config/schema-validator.ts:426 OptionalChaining/ArrayDeclaration: issueFor returns an issue
  //   for every false-schema error.
  // - config/schema-validator.ts:429-430 MethodExpression/ConditionalExpression (suggests filter):
  //   unfiltered issues add keys ending in null; a required issue's path ends in a key name.
  // - config/schema-validator.ts:431 OptionalChaining ×2, ArrayDeclaration: after the suggests
  //   filter, every issue is defined.
  // - config/yaml-source.ts:73 LogicalOperator → "split()[0] && e.message": with prettyErrors off no
  //   yaml message holds a line break or is empty (user text is JSON-quoted), so both give it whole.
  // - config/yaml-source.ts:97 ConditionalExpression → "|| false" (quote === undefined): a
  //   MISSING_CHAR error without a quote then runs the loop, which matches no character (source[i]
  //   is never undefined) and returns e.pos[0], the same offset.
  // - config/yaml-source.ts:135 ConditionalExpression → "true": rebuilds the same key index on each
  //   lookup (nothing changes map.items after parsing); only slower.
  // - config/yaml-source.ts:165 ConditionalExpression → "false": a missing list item leaves node and
  //   keyNode undefined; the next segment then returns {} (neither map nor list) and a last one
  //   returns {node: undefined, keyNode: undefined}: locate/locateKey see the same as {}.
  // - config/yaml-source.ts:265,278,288 ConditionalExpression → "false" (start === undefined): key
  //   nodes built by the parser always have a range, so start is never undefined.
  // - config/yaml-source.ts:310 ConditionalExpression → "false || typeof …" (key.value === null):
  //   typeof null === "object", so the second operand still reports the empty key.
  // - config/yaml-source.ts:336 StringLiteral → "schema: \"\"": yaml's Schema uses
  //   `(typeof schema === 'string' && schema) || 'core'`, so "" is the core schema.
  // - config/yaml-source.ts:341-344 catch (BlockStatement, ConditionalExpression ×2, BlockStatement,
  //   ObjectLiteral, ArrayDeclaration, ObjectLiteral): yaml 2.9.1 catches stack overflows inside
  //   composeNode and records them as RESOURCE_EXHAUSTION document errors (handled below);
  //   parseAllDocuments did not throw for 3000–50000 levels of [, {a:, - , ? , indented - and a:.
  // - config/yaml-source.ts:348 ArrayDeclaration → "[\"Stryker was here\"]": parseAllDocuments
  //   always returns an array (its EmptyStream is Object.assign([], …)).
  // - config/yaml-source.ts:353 OptionalChaining → "second.range[0]": the composer sets range on
  //   every Document it returns.
  // - config/yaml-source.ts:378 ConditionalExpression → "false || …" (doc.contents === null): the
  //   parser never leaves contents null; an empty document holds a null Scalar ("---", "..."), and a
  //   comment-only file has no document at all (returned before).
  // - config/yaml-source.ts:391 ObjectLiteral → "{}": yaml's toJS defaults maxAliasCount to 100,
  //   which is MAX_ALIAS_COUNT.
  // - config/yaml-source.ts:419 ConditionalExpression → "false" (path.length === 0): nodeAt(doc, [])
  //   gives node = contents and no key, so locateKey returns rangeStart(contents), the same position
  //   (contents always has a range: empty documents are refused before).
  // - config/yaml-source.ts:78,79 OptionalChaining, Regex (unanchored), ConditionalExpression: yaml
  //   points every TAG_RESOLVE_FAILED at the "!" of the tag as written (checked: unresolved,
  //   verbatim, "!!" alone, and !!set/!!omap/!!timestamp content errors), so the match is at 0.
  // - config/yaml-source.ts:101,102 ConditionalExpression quote kind → true: the opening quote of an
  //   unclosed string is never preceded by a backslash or a quote (it follows a blank, an
  //   indicator or the file start), so both checks skip the same quotes.
  // - config/yaml-source.ts:139 ConditionalExpression → true, LogicalOperator → ||: keys are unique
  //   scalars by the time anything is located (checkNodes refuses the rest first).
  // - config/yaml-source.ts:176,200,234 OptionalChaining `range?.` / ConditionalExpression
  //   `start === undefined`: every node the parser builds has a range.
  // - config/yaml-source.ts:202 EqualityOperator `tokens <= 2`, UpdateOperator `tokens--`: the tag is
  //   always one of the two tokens before its node (a node has one tag and at most one anchor),
  //   so the loop returns before the bound matters.
  // - config/yaml-source.ts:214,215 typeof check → true, `?? ""`, no trim: for a string key yaml's
  //   source is the parsed text itself, so "as written" is the value; parsed scalars always have
  //   a source, and a plain key's source has no surrounding blanks.
  // - config/yaml-source.ts:395 Regex without ^ or $: the message is one line that starts with
  //   "Unresolved alias".
  // - config/yaml-source.ts:400 ConditionalExpression `node.range` → true: aliases have a range.
  // - config/yaml-source.ts:409,410 fallbacks `?? { line: 1, column: 1 }` and "cannot read the
  //   YAML": the alias toJS names is in the document, and toJS throws only for aliases (unresolved
  //   or too many, both with an alias to point at) once only plain-data tags pass checkNodes.
  // - config/resolve-chat.ts:73,142 ConditionalExpression `from !== undefined` → true: the handle
  //   compared with `from` is a string, never equal to undefined.
  // - config/resolve-chat.ts:90 ConditionalExpression `typeof welcome === "string"` → true: a
  //   welcome_message the schema refused is not passed on (checkRefusedEntry keeps usable fields),
  //   so `welcome` is a string or undefined.
  // - config/resolve-chat.ts:114 StringLiteral "value" → "": any anchor but "key" is the value.
  // - config/resolve-defaults.ts:45 ConditionalExpression `raw.roster === "authoritative"` → false:
  //   the built-in roster is already "authoritative".
  // - config/resolve-document.ts:324 ConditionalExpression `if (card)` → true: resolveContactCard
  //   returns undefined only after reporting an error, and a configuration with an error yields no
  //   desired state, so the undefined entry is never read.
  // - config/schema-validator.ts:155 ConditionalExpression `typeof seg === "string"` → true:
  //   HANDLE_FIELDS.has(a number) is false anyway.
  // - config/schema-validator.ts:172 ConditionalExpression `expected === "object"` → true: every
  //   section with an example (chats, webhooks, contact_cards) expects a mapping.
  // - config/yaml-source.ts:81 Regex `/^!!/` → `/!!/`: every tag of PLAIN_TAGS starts with "tag:",
  //   so a written tag whose "!!" is not at its start still begins with "!" and is never found.
  // - config/schema-validator.ts:33 ConditionalExpression `if (cachedSchema)` → false: only a cache;
  //   the schema file read again is the same file.
  // - config/schema-validator.ts:22,25,36-40 (SchemaLoadError's code and name, the catch of
  //   loadSchema): reached only when an install lacks the schema file; test/config/schema-loading
  //   .test.ts covers it outside the mutation run (it re-imports the module under a mocked fs).
  // - config/schema-validator.ts:50 ConditionalExpression `if (cachedValidator)` → false: only a
  //   cache; compiling the same schema again validates the same way.
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

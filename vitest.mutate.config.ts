import { defineConfig } from "vitest/config";

// The tests Stryker runs against each mutant (`npm run mutate`): the fast unit tests of the pure
// core only. No globalSetup (the main config starts PostgreSQL), no emulator, no subprocess; a
// few suites read checked-in fixtures or the JSON schema, and imports-and-moves applies a plan
// to a state file in a temporary folder (milliseconds). export-property is left out: at 1.4 s a
// run it would add about 20 minutes, once per build-plan mutant it covers.
export default defineConfig({
  test: {
    include: [
      "test/engine/diff.test.ts",
      "test/engine/removal-guard.test.ts",
      "test/engine/render.test.ts",
      "test/engine/interrupted-create.test.ts",
      "test/engine/retired-generations.test.ts",
      "test/engine/one-shot-sends.test.ts",
      "test/engine/chat-drift.test.ts",
      "test/engine/lookalike-chats.test.ts",
      "test/engine/removal-guard-boundaries.test.ts",
      "test/engine/step-text.test.ts",
      "test/engine/contact-card-diff.test.ts",
      "test/engine/live-chat-view.test.ts",
      "test/engine/imports-and-moves.test.ts",
      "test/engine/inert-output.test.ts",
      "test/engine/state-schema.test.ts",
      "test/engine/render-exact.test.ts",
      "test/engine/webhook-diff.test.ts",
      "test/engine/build-plan.test.ts",
      "test/engine/step-and-roster-details.test.ts",
      "test/engine/adoption-branches.test.ts",
      "test/engine/chat-diff-branches.test.ts",
      "test/config/canonical.test.ts",
      "test/config/desired-state-hash.test.ts",
      "test/config/diagnostics.test.ts",
      "test/config/handle-normalization.test.ts",
      "test/config/resolve-documents.test.ts",
      "test/config/robustness.test.ts",
      "test/config/schema-model-drift.test.ts",
      "test/config/valid-documents.test.ts",
      "test/config/invalid-fixtures.test.ts",
      "test/config/manifest-json.test.ts",
      "test/config/imports-and-moved-rules.test.ts",
      "test/config/read-manifest.test.ts",
      "test/config/resolve-document.test.ts",
      "test/config/document-context.test.ts",
      "test/config/resolve-chat.test.ts",
      "test/config/did-you-mean.test.ts",
      "test/config/normalize-handle-list.test.ts",
      "test/config/paths-and-values.test.ts",
      "test/config/resolve-contact-card.test.ts",
      "test/config/resolve-defaults.test.ts",
      "test/config/resolve-webhook.test.ts",
      "test/config/url-rules.test.ts",
      "test/state/account-binding.test.ts",
      "test/state/state-journal.test.ts",
      "test/engine/state.test.ts",
      "test/state/mutation-gaps.test.ts",
    ],
    maxWorkers: 1,
    // Fewer property cases from a fixed seed (test/support/property-runs.ts).
    env: { CHATSYNC_MUTATION_RUN: "1" },
    setupFiles: ["test/support/mutation-setup.ts"],
  },
});

import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "cdktf.out/**", "node_modules/**", ".stryker-tmp/**", "reports/**"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
);

// Lint and format in one pass: typescript-eslint's recommended rules plus Effect's dprint rule
// (the settings the Effect repository itself uses). `npm run lint:fix` formats the tree.
import * as effectEslint from "@effect/eslint-plugin"
import tseslint from "typescript-eslint"

export default tseslint.config(
  { ignores: ["node_modules/**", "bench/results/**", ".mana-dev/**", "docs/**"] },
  ...tseslint.configs.recommended,
  ...effectEslint.configs.dprint,
  {
    files: ["**/*.ts", "**/*.mjs"],
    rules: {
      "@effect/dprint": ["error", {
        config: {
          indentWidth: 2,
          lineWidth: 120,
          semiColons: "asi",
          quoteStyle: "alwaysDouble",
          trailingCommas: "never",
          operatorPosition: "maintain",
          "arrowFunction.useParentheses": "force"
        }
      }],
      "@typescript-eslint/no-explicit-any": "error",
      // `Data.TaggedError("X")<{}>` is the Effect idiom for an error without fields.
      "@typescript-eslint/no-empty-object-type": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-restricted-imports": ["error", {
        patterns: [{
          group: ["**/dev/**"],
          message: "Only src/main.ts and src/dev/ may import the local-mode stand-ins."
        }]
      }]
    }
  },
  {
    // The composition root starts the dev stack; dev code and tests of it may import it.
    files: ["src/main.ts", "src/dev/**", "test/**", "bench/**", "scripts/**"],
    rules: { "no-restricted-imports": "off" }
  },
  {
    // Tests read loosely typed JSON from the wire; production code stays `any`-free.
    files: ["test/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" }
  }
)

// Lint rules that the compiler does not enforce: no `any`, type-only imports, no floating promises.
import tseslint from "typescript-eslint";

export default tseslint.config(
    {ignores: ["dist/**", "node_modules/**", ".cache/**", "test-artifacts/**", "test/vscode/server/**", "media/**/*.js", "**/*.mjs", "**/*.cjs"]},
    ...tseslint.configs.recommendedTypeChecked,
    {
        languageOptions: {parserOptions: {projectService: true, tsconfigRootDir: import.meta.dirname}},
        rules: {
            "@typescript-eslint/no-explicit-any": "error",
            "@typescript-eslint/consistent-type-imports": ["error", {fixStyle: "inline-type-imports"}],
            "@typescript-eslint/no-floating-promises": "error",
            "@typescript-eslint/no-misused-promises": "error",
            "@typescript-eslint/no-unused-vars": ["error", {argsIgnorePattern: "^_"}],
            "@typescript-eslint/require-await": "off"
        }
    }
);

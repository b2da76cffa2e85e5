// Lint with type information: typescript-eslint's type-aware rules (floating promises, misused promises,
// unsafe any) and Pulumi's own rules, which catch an Output interpolated into a template literal — it renders as
// "Calling [toString] on an [Output<T>] is not supported" instead of the value.
import js from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/**", "**/*.cjs", "eslint.config.mjs"] },
    js.configs.recommended,
    ...tseslint.configs.recommendedTypeChecked,
    {
        languageOptions: {
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
        plugins: { pulumi },
        rules: {
            "pulumi/no-output-in-template-literal": "error",
            "pulumi/no-output-instance-in-template-literal": "error",
            "@typescript-eslint/no-floating-promises": "error",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
            // tsc's noUnusedLocals already reports these; one report per problem is enough.
            "no-unused-vars": "off",
        },
    },
    {
        // Mocha's `this` in test functions and chai-less asserts on unknown JSON are normal in tests.
        files: ["test/**/*.ts"],
        rules: {
            "@typescript-eslint/no-unsafe-member-access": "off",
            "@typescript-eslint/no-unsafe-assignment": "off",
            "@typescript-eslint/no-unsafe-argument": "off",
        },
    },
);

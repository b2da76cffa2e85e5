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
    },
    {
        files: ["**/*.ts"],
        plugins: { pulumi },
        rules: {
            "pulumi/no-output-in-template-literal": "error",
            "pulumi/no-output-instance-in-template-literal": "error",
            "@typescript-eslint/no-floating-promises": "error",
            // tsc's noUnusedLocals and noUnusedParameters (a leading _ exempts a parameter) already report these; one
            // report per problem is enough, and the type check and the lint share one program (npm test).
            "no-unused-vars": "off",
            "@typescript-eslint/no-unused-vars": "off",
            // Commands and mocks implement async interfaces; an implementation with nothing to await is still right.
            "@typescript-eslint/require-await": "off",
        },
    },
    {
        // The offline tools load the program, the provider SDKs and the policy pack lazily, with require(), only once
        // their arguments check out; the policy pack reaches SDK internals the same way (policies/lib/sdk.ts).
        files: ["tools/**/*.ts", "policies/lib/sdk.ts", "test/policies/sdk-internals.test.ts"],
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
    {
        // Plain Node scripts (the test runner): no type information, Node's globals.
        files: ["**/*.mjs"],
        ...tseslint.configs.disableTypeChecked,
        languageOptions: {
            ...tseslint.configs.disableTypeChecked.languageOptions,
            globals: { process: "readonly", Buffer: "readonly", console: "readonly" },
        },
    },
    {
        // Tests read captured plans and parsed JSON as unknown and print them in assertion messages.
        files: ["test/**/*.ts"],
        rules: {
            "@typescript-eslint/no-base-to-string": "off",
            "@typescript-eslint/no-unsafe-member-access": "off",
            "@typescript-eslint/no-unsafe-assignment": "off",
            "@typescript-eslint/no-unsafe-argument": "off",
        },
    },
);

// Loads the program the way `pulumi up` does on Node, without the CLI: TypeScript is registered exactly as
// @pulumi/pulumi/cmd/run/run.js registers it (the project's typescript with Pulumi's vendored ts-node, the
// compiler options of tsconfig.json over the runtime's defaults, type checking on), then the real index.ts is
// planned under mocks. Prints one JSON line: what was registered.
"use strict";
const path = require("node:path");

const projectDir = path.resolve(__dirname, "..", "..");
process.chdir(projectDir);
const tsutils = require("@pulumi/pulumi/tsutils");
const tsConfigPath = process.env.PULUMI_NODEJS_TSCONFIG_PATH ?? "tsconfig.json";
const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
require(tsnodeRequire).register({
    compiler: typescriptRequire,
    transpileOnly: compilerOptions.noCheck,
    project: tsConfigPath,
    skipProject: false,
    compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions },
});

const { planStack } = require(path.join(projectDir, "tools", "plan", "plan.ts"));
planStack({ stack: process.argv[2] ?? "dev" }).then(
    (plan) => {
        process.stdout.write(`${JSON.stringify({ tsnode: tsnodeRequire, typescript: require(typescriptRequire).version, types: plan.resources.map((r) => r.type) })}\n`);
    },
    (e) => {
        process.stderr.write(`${e && e.message}\n`);
        process.exitCode = 1;
    },
);

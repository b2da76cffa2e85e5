// Loads the program the way `pulumi up` does on Node, without the CLI: TypeScript is registered exactly as
// @pulumi/pulumi/cmd/run/run.js registers it (the project's typescript with Pulumi's vendored ts-node, the
// compiler options of tsconfig.json over the runtime's defaults, type checking on), then the real index.ts is
// planned under mocks. Prints one JSON line: what was registered and what the plan holds.
//
// One difference from the CLI: ts-node's compile cache goes to the directory named by argv[3] (the test removes
// it), not to a directory under os.tmpdir() that outlives the run. With a warm cache ts-node skips the type check
// of every file it has seen, so a cold cache is also what makes the check real.
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
    compilerOptions: {
        target: "ES2020",
        module: "nodenext",
        moduleResolution: "nodenext",
        sourceMap: "true",
        ...compilerOptions,
    },
    ...(process.argv[3] ? { cacheDirectory: process.argv[3] } : {}),
});

const { planStack } = require(path.join(projectDir, "tools", "plan", "plan.ts"));
planStack({ stack: process.argv[2] ?? "dev" }).then(
    (plan) => {
        const loaded = {
            tsnode: tsnodeRequire,
            typescript: require(typescriptRequire).version,
            typeCheck: compilerOptions.noCheck !== true,
            types: plan.resources.map((r) => r.type),
        };
        process.stdout.write(`${JSON.stringify(loaded)}\n`);
    },
    (e) => {
        process.stderr.write(`${e && e.message}\n`);
        process.exitCode = 1;
    },
);

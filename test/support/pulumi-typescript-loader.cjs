// Loads program code the way `pulumi up` does on Node, without the CLI: TypeScript is registered exactly as
// @pulumi/pulumi/cmd/run/run.js registers it (the project's typescript with Pulumi's vendored ts-node, the compiler
// options of tsconfig.json over the runtime's defaults; type checking on unless PULUMI_NODEJS_TRANSPILE_ONLY=true
// or the tsconfig's noCheck says otherwise, as in run.js). Then, by the second argument:
//   vocabulary     requires components/vocabulary (the ground floor) and calls into it;
//   <stack name>   plans the real index.ts for that fixture stack (test/fixtures/stacks) under mocks.
// Prints one JSON line: what was registered and what was loaded.
//
// One difference from the CLI: ts-node's compile cache goes to the directory given as the first argument (the test
// removes it), not to a directory under os.tmpdir() that outlives the run. A warm cache skips the type check of
// every file it has seen, so a fresh one is also what makes the check real.
"use strict";
const path = require("node:path");

const [cacheDirectory, what] = process.argv.slice(2);
const projectDir = path.resolve(__dirname, "..", "..");
process.chdir(projectDir);
const tsutils = require("@pulumi/pulumi/tsutils");
const tsConfigPath = process.env.PULUMI_NODEJS_TSCONFIG_PATH ?? "tsconfig.json";
const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
const transpileOnlyEnv = process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
const transpileOnly = transpileOnlyEnv ? transpileOnlyEnv === "true" : compilerOptions.noCheck;
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
require(tsnodeRequire).register({
    compiler: typescriptRequire,
    transpileOnly,
    project: tsConfigPath,
    skipProject: false,
    compilerOptions: {
        target: "ES2020",
        module: "nodenext",
        moduleResolution: "nodenext",
        sourceMap: "true",
        ...compilerOptions,
    },
    cacheDirectory,
});

const registered = {
    tsnode: tsnodeRequire,
    typescript: require(typescriptRequire).version,
    typeCheck: transpileOnly !== true,
};
const report = (loaded) => process.stdout.write(`${JSON.stringify({ ...registered, ...loaded })}\n`);
const fail = (e) => {
    process.stderr.write(`${(e && e.message) || e}\n`);
    process.exitCode = 1;
};

if (what === "vocabulary") {
    try {
        const { partitionOf } = require(path.join(projectDir, "components", "vocabulary"));
        report({ partition: partitionOf("us-gov-west-1") });
    } catch (e) {
        fail(e);
    }
} else {
    const { planStack } = require(path.join(projectDir, "tools", "plan", "plan.ts"));
    const stackDir = path.join(projectDir, "test", "fixtures", "stacks");
    planStack({ stack: what, stackDir }).then((plan) => report({ types: plan.resources.map((r) => r.type) }), fail);
}

// The type check and the lint from one TypeScript program: `tsc --noEmit -p .` and `eslint .` each build and
// type-check the whole program, and typescript-eslint's type-aware rules ask the checker about nearly every
// expression, so run separately the two pay for the same work twice. Here the program is built once, its
// diagnostics are reported as tsc reports them, and ESLint lints with that program (parserOptions.programs), its
// type information already resolved. Exit status 1 on any type error or lint error.
import { ESLint } from "eslint";
import path from "node:path";
import ts from "typescript";

const root = path.resolve(import.meta.dirname, "..", "..");
const seconds = (since) => ((Date.now() - since) / 1000).toFixed(1);
const host = {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => root,
    getNewLine: () => "\n",
};

let started = Date.now();
const config = ts.getParsedCommandLineOfConfigFile(path.join(root, "tsconfig.json"), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
        process.stderr.write(ts.formatDiagnostics([d], host));
        process.exit(1);
    },
});
const program = ts.createProgram({
    rootNames: config.fileNames,
    options: config.options,
    projectReferences: config.projectReferences,
    configFileParsingDiagnostics: config.errors,
});
const diagnostics = ts.getPreEmitDiagnostics(program);
process.stdout.write(ts.formatDiagnostics(diagnostics, host));
process.stdout.write(
    `type check: ${diagnostics.length} error(s) in ${config.fileNames.length} files (${seconds(started)} s)\n`,
);

started = Date.now();
const eslint = new ESLint({
    cwd: root,
    overrideConfig: [
        { files: ["**/*.ts"], languageOptions: { parserOptions: { projectService: false, programs: [program] } } },
    ],
});
const results = await eslint.lintFiles(["."]);
const formatter = await eslint.loadFormatter("stylish");
process.stdout.write(await formatter.format(results));
const errors = results.reduce((n, r) => n + r.errorCount, 0);
process.stdout.write(`lint: ${errors} error(s) in ${results.length} files (${seconds(started)} s)\n`);
process.exitCode = diagnostics.length > 0 || errors > 0 ? 1 : 0;

/**
 * The program's floors, checked by `npm run lint` (dependency-cruiser reads the import graph, including lazy
 * require()s and type-only imports):
 *
 *   index.ts, stack-config/  the top: reads the stack's configuration and wires the components
 *   components/<folder>/     the components, each used through its folder's index.ts
 *   components/vocabulary/   the ground floor: names, formats and types everyone shares; imports nothing of ours
 *
 * tools/ sit beside the top (they read the configuration and plan the program), so nothing of the program imports
 * them; policies/ never imports the program (the pack judges what the program registers), and nothing has a cycle.
 */
const fs = require("node:fs");
const path = require("node:path");

/**
 * Folders outside components/ that offer an index.ts (tools/cli, tools/stack-export, a policy's folder,
 * stack-config): read from the tree, so a folder that gains an index.ts is entered through it from then on. The
 * policies/ root is not one of them: its index.ts starts the pack's server, so the tools import ./pack instead.
 */
const foldersWithIndex = [
    "stack-config",
    ...["tools", "policies"].flatMap((top) =>
        fs
            .readdirSync(path.join(__dirname, top), { withFileTypes: true })
            .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(__dirname, top, entry.name, "index.ts")))
            .map((entry) => `${top}/${entry.name}`),
    ),
];
const escaped = (folder) => folder.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

module.exports = {
    forbidden: [
        {
            name: "no-cycles",
            comment:
                "An import cycle means two modules are one; split out what both need (often vocabulary). A loop " +
                "closed only by type-only imports does not decide load order, so it is not reported.",
            severity: "error",
            from: {},
            to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
        },
        {
            name: "no-folder-cycles",
            comment:
                "Two folders that import each other are one concept split in two (tools/plan and tools/policy-check " +
                "once did): move what both need into a folder both import (tools/policy-eval, tools/stack-export).",
            severity: "error",
            scope: "folder",
            from: {},
            to: { circular: true },
        },
        {
            name: "components-never-import-stack-config",
            comment: "Components take typed Args; only index.ts (and the tools) read the stack's configuration.",
            severity: "error",
            from: { path: "^components/" },
            to: { path: "^stack-config/" },
        },
        {
            name: "nothing-of-the-program-imports-the-top",
            comment:
                "index.ts is the entry point and tools/ are commands around the program: components, the stack's " +
                "configuration and the policies never import them (stack-config/ is the top floor's reader only).",
            severity: "error",
            from: { path: "^(components/|stack-config/|policies/)" },
            to: { path: "^(index\\.ts$|tools/)" },
        },
        {
            name: "charts-below-the-cluster",
            comment:
                "The one Helm path is used by everything in the cluster, the cluster included: it takes what it needs " +
                "(a provider, the cluster's name) as arguments and imports only the vocabulary.",
            severity: "error",
            from: { path: "^components/charts/" },
            to: { path: "^(index\\.ts$|stack-config/|tools/|policies/|components/(?!charts/|vocabulary/))" },
        },
        {
            name: "vocabulary-imports-nothing-of-the-program",
            comment: "The ground floor: everything may import it, so it may import nothing of ours.",
            severity: "error",
            from: { path: "^components/vocabulary/" },
            to: { path: "^(index\\.ts|stack-config/|policies/|tools/|components/(?!vocabulary/))" },
        },
        {
            name: "policies-never-import-the-program",
            comment: "The policy pack judges what any program registers; it must not share the program's code.",
            severity: "error",
            from: { path: "^policies/" },
            to: { path: "^(index\\.ts|stack-config/|components/|tools/)" },
        },
        {
            name: "components-through-index",
            comment: "Another component folder is used through its index.ts, the list of what it offers.",
            severity: "error",
            from: { path: "^components/([^/]+)/" },
            to: { path: "^components/[^/]+/", pathNot: ["^components/$1/", "^components/[^/]+/index\\.ts$"] },
        },
        {
            name: "program-and-tools-use-components-through-index",
            comment: "index.ts, stack-config/ and the tools use a component folder through its index.ts.",
            severity: "error",
            from: { path: "^(index\\.ts|stack-config/|tools/)" },
            to: { path: "^components/[^/]+/", pathNot: "^components/[^/]+/index\\.ts$" },
        },
        ...foldersWithIndex.map((folder) => ({
            name: "folders-through-index",
            comment: `${folder}/ is used through its index.ts from outside it (tests may reach its parts).`,
            severity: "error",
            from: { pathNot: `^(${escaped(folder)}/|test/)` },
            to: { path: `^${escaped(folder)}/`, pathNot: `^${escaped(folder)}/index\\.ts$` },
        })),
    ],
    options: {
        tsPreCompilationDeps: true,
        tsConfig: { fileName: "tsconfig.json" },
        doNotFollow: { path: "node_modules" },
        exclude: { path: "node_modules" },
    },
};

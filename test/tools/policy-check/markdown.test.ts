/** The policy check's Markdown for the pull request's job summary and sticky comment. */
import * as assert from "node:assert/strict";
import { verdictsMarkdown } from "../../../tools/policy-check/markdown";
import { PolicyVerdicts } from "../../../tools/policy-eval/verdicts";

const URN = "urn:pulumi:dev::spark-platform::spark:cluster:Cluster$aws:iam/role:Role::karpenter";
const POOL = "urn:pulumi:dev::spark-platform::kubernetes:karpenter.sh/v1:NodePool::exec-a";
const POOL_CELL = "<code>exec-a</code> <code>kubernetes:karpenter.sh/v1:NodePool</code>";

describe("policy check Markdown", () => {
    it("must say passed, with the pack and the count, when nothing was found", () => {
        const md = verdictsMarkdown({ violations: [], notEvaluated: [] }, { stack: "dev", resourceCount: 42 });
        assert.match(
            md,
            new RegExp(
                "^### ✅ Policy check for stack `dev`: passed\n\nPolicy pack `spark-platform` \\d+\\.\\d+\\.\\d+ on 42 resources: " +
                    "no violations\\.\n$",
            ),
        );
    });

    it("must fail on a mandatory violation and list mandatory before advisory before not evaluated", () => {
        const verdicts: PolicyVerdicts = {
            violations: [
                { policy: "non-root-pods", urn: POOL, message: "advisory finding", enforcementLevel: "advisory" },
                { policy: "irsa-scoped-roles", urn: URN, message: "no :sub condition", enforcementLevel: "mandatory" },
            ],
            notEvaluated: [
                {
                    policy: "single-az-node-pools",
                    urn: POOL,
                    reason: "can't run policy during preview",
                    coverage: "known at up",
                },
            ],
        };
        const md = verdictsMarkdown(verdicts, { stack: "prod", resourceCount: 1 });
        assert.match(md, /^### ❌ Policy check for stack `prod`: failed, 1 mandatory violation\n/);
        assert.match(md, /on 1 resource: 2 violations \(1 mandatory\), 1 not evaluated\./);
        const rows = md.split("\n").filter((l) => /^\| (mandatory |advisory |<code>urn)/.test(l));
        assert.deepEqual(rows, [
            `| mandatory | <code>irsa-scoped-roles</code> | <code>karpenter</code> <code>aws:iam/role:Role</code> | ` +
                "no :sub condition |",
            `| advisory | <code>non-root-pods</code> | ${POOL_CELL} | advisory finding |`,
            `| <code>${POOL}</code> | <code>single-az-node-pools</code> | can't run policy during preview | known at up |`,
        ]);
        // The not-evaluated list is its own section, after the violations.
        assert.ok(md.indexOf("#### Not evaluated (1)") > md.indexOf("| advisory |"));
    });

    it("must never say passed without the not-evaluated count, and fail on it with --strict", () => {
        const verdicts: PolicyVerdicts = {
            violations: [],
            notEvaluated: [
                {
                    policy: "all",
                    urn: "urn:pulumi:dev::spark-platform::kubernetes:helm.sh/v4:Chart::karpenter",
                    reason: "the Kubernetes objects the chart renders are rendered by the provider",
                    coverage: "the engine analyzes each rendered object",
                },
            ],
        };
        const md = verdictsMarkdown(verdicts, { stack: "dev", resourceCount: 9 });
        assert.match(md, /^### ⚠️ Policy check for stack `dev`: passed in what could be evaluated; 1 not evaluated\n/);
        assert.match(md, /on 9 resources: no violations in what could be evaluated; 1 not evaluated\.\n/);
        assert.match(
            md,
            /\n#### Not evaluated \(1\)\n[\s\S]*\| Resource \| Policy \| Not checked \| How the engine run covers it \|\n\| --- \| --- \| --- \| --- \|\n\| <code>urn:pulumi:dev::spark-platform::kubernetes:helm\.sh\/v4:Chart::karpenter<\/code> \| <code>all<\/code> \| the Kubernetes objects the chart renders are rendered by the provider \| the engine analyzes each rendered object \|\n$/,
        );
        assert.doesNotMatch(md, /: no violations\./);
        const strict = verdictsMarkdown(verdicts, { stack: "dev", resourceCount: 9 }, { strict: true });
        assert.match(strict, /^### ❌ Policy check for stack `dev`: failed \(--strict\), 1 not evaluated\n/);
    });

    it("must pass with advisory violations only", () => {
        const md = verdictsMarkdown(
            { violations: [{ policy: "p", urn: "", message: "m", enforcementLevel: "advisory" }], notEvaluated: [] },
            { resourceCount: 3 },
        );
        assert.match(md, /^### ✅ Policy check: passed\n/);
        assert.match(md, /\| advisory \| <code>p<\/code> \| \(stack\) \| m \|/);
    });

    it("must keep messages from the pull request from breaking the table or injecting HTML", () => {
        const md = verdictsMarkdown(
            {
                violations: [
                    {
                        policy: "p",
                        urn: URN,
                        message: "line one | x\n<img src=x onerror=alert(1)>",
                        enforcementLevel: "mandatory",
                    },
                ],
                notEvaluated: [],
            },
            { resourceCount: 1 },
        );
        assert.match(md, /\| line one \\\| x<br>&lt;img src=x onerror=alert\(1\)&gt; \|$/m);
        assert.doesNotMatch(md, /<img/);
    });
});

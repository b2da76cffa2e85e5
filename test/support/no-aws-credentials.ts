/**
 * Runs `body` in this process with no AWS credentials anywhere the SDK's default provider chain looks: no AWS_*
 * variables, an empty home with no config or credentials file, and the instance metadata service off. Restores the
 * environment afterwards and removes the empty home. Mocha runs one test at a time per process, so nothing else sees
 * the change.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

export async function withoutAwsCredentials<T>(body: (home: string) => Promise<T>): Promise<T> {
    const home = mkdtempSync(path.join(tmpdir(), "no-aws-credentials-"));
    const saved = { ...process.env };
    for (const key of Object.keys(process.env)) if (key.startsWith("AWS_")) delete process.env[key];
    Object.assign(process.env, {
        HOME: home,
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_CONFIG_FILE: path.join(home, "config"),
        AWS_SHARED_CREDENTIALS_FILE: path.join(home, "credentials"),
    });
    try {
        return await body(home);
    } finally {
        for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
        Object.assign(process.env, saved);
        rmSync(home, { recursive: true, force: true });
    }
}

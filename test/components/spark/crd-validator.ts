/**
 * Validates custom resources against a CRD's `openAPIV3Schema` with ajv (the validator kubernetes-models itself is
 * built on). Strict about unknown fields, as `kubectl apply` (field validation Strict) is: every object schema that
 * lists properties and neither sets `additionalProperties` nor `x-kubernetes-preserve-unknown-fields` rejects
 * fields it does not list, so a misspelt key fails here instead of being pruned silently by the API server.
 */
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

export const CRD_DIR = path.resolve(__dirname, "..", "..", "fixtures", "crds");

type Schema = Record<string, unknown>;

function isSchema(value: unknown): value is Schema {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A copy of `schema` with unknown fields forbidden wherever the schema enumerates its fields. */
export function strictSchema(schema: unknown): unknown {
    if (Array.isArray(schema)) return schema.map(strictSchema);
    if (!isSchema(schema)) return schema;
    const out: Schema = {};
    for (const [key, value] of Object.entries(schema)) {
        // Children of `properties` are field names mapped to schemas; everything else is a keyword.
        out[key] =
            key === "properties" && isSchema(value)
                ? Object.fromEntries(Object.entries(value).map(([field, sub]) => [field, strictSchema(sub)]))
                : strictSchema(value);
    }
    if (
        isSchema(schema.properties) &&
        schema.additionalProperties === undefined &&
        schema["x-kubernetes-preserve-unknown-fields"] !== true
    ) {
        out.additionalProperties = false;
    }
    return out;
}

/** Compiled validators by CRD file and version: compiling the SparkApplication schema costs ajv about 0.8 s. */
const compiled = new Map<string, ValidateFunction>();

/** Validator of `kind` at `version` from the CRD file `file` under test/fixtures/crds, compiled once per process. */
export function crdValidator(file: string, version: string): ValidateFunction {
    const key = `${file}@${version}`;
    let validate = compiled.get(key);
    if (!validate) {
        validate = compileCrdValidator(file, version);
        compiled.set(key, validate);
    }
    return validate;
}

function compileCrdValidator(file: string, version: string): ValidateFunction {
    const crd: unknown = parse(readFileSync(path.join(CRD_DIR, file), "utf8"));
    const versions = isSchema(crd) && isSchema(crd.spec) && Array.isArray(crd.spec.versions) ? crd.spec.versions : [];
    const entry: unknown = versions.find((v: unknown) => isSchema(v) && v.name === version);
    const schema = isSchema(entry) && isSchema(entry.schema) ? entry.schema.openAPIV3Schema : undefined;
    if (!isSchema(schema)) throw new Error(`${file} has no openAPIV3Schema for ${version}`);
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 });
    ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
    return ajv.compile(strictSchema(schema) as Schema);
}

/** The validator's errors as one line each, or [] when `data` is valid. */
export function schemaErrors(validate: ValidateFunction, data: unknown): string[] {
    if (validate(data)) return [];
    return (validate.errors ?? []).map((e) => {
        const field = e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : "";
        return `${e.instancePath || "/"} ${e.message ?? ""}${field}`;
    });
}

export const SPARK_APPLICATION_CRD = "sparkoperator.k8s.io_sparkapplications.yaml";

import { ConfigReader } from "../config-reader";
import { isRecord } from "../../components/vocabulary";

export function readTags(r: ConfigReader): Record<string, string> | undefined {
    // Tags are optional: an absent key means no extra tags.
    if (!r.has("tags")) return {};
    const value = r.json("tags", "set tags to a map of tag keys to string values");
    if (value === undefined) return undefined;
    if (!isRecord(value)) {
        r.report("tags", value, "is not a map; set tags to a map of tag keys to string values");
        return undefined;
    }
    const ok = Object.entries(value).map(
        ([key, tagValue]) =>
            r.check(`tags.${key}`, key, (k) =>
                k.length === 0 || k.length > 128 || k.toLowerCase().startsWith("aws:")
                    ? "is not a usable tag key; use 1 to 128 characters not starting with aws:"
                    : undefined,
            ) &&
            r.check(`tags.${key}`, tagValue, (v) =>
                typeof v !== "string" || v.length > 256
                    ? "is not a tag value; use a string of at most 256 characters"
                    : undefined,
            ),
    );
    return ok.every(Boolean) ? (value as Record<string, string>) : undefined;
}

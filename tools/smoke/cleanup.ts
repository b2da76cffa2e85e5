/**
 * Everything a smoke run creates is registered here the moment it exists, and removed at the end of the run whether
 * it passed, failed, timed out or was interrupted (unless --keep). Removal never uses the run's abort signal: after
 * Ctrl-C the cleanup is exactly what must still happen.
 */
import { firstLine } from "../cli";
import type { CleanupReport } from "./report";

interface Item {
    readonly label: string;
    readonly remove: () => Promise<void>;
}

export class Cleanup {
    private readonly items: Item[] = [];

    /** Registers a created resource; `remove` must tolerate the resource being gone already. */
    add(label: string, remove: () => Promise<void>): void {
        this.items.push({ label, remove });
    }

    size(): number {
        return this.items.length;
    }

    /** Removes everything, newest first, each independently; with `keep`, only lists what stays. */
    async run(keep: boolean): Promise<CleanupReport> {
        const items = this.items.splice(0).reverse();
        if (keep) return { kept: true, resources: items.map((i) => i.label), failures: [] };
        const failures: string[] = [];
        for (const item of items) {
            try {
                await item.remove();
            } catch (e) {
                failures.push(`${item.label} was not removed: ${firstLine(e)}`);
            }
        }
        return { kept: false, resources: items.map((i) => i.label), failures };
    }
}

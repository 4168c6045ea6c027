// Types of scripts/launch.mjs for the TypeScript that calls it (the bench).
export function ensureBuilt(): Promise<string | undefined>;
export function launch(entry: string, program?: string): Promise<void>;

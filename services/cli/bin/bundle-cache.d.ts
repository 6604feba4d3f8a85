// Types of bundle-cache.js (plain JavaScript, because the `spamtrap` entry point runs it before any TypeScript loader).

/** Directory holding the cached bundles and their manifests. */
export function cacheDir(): string;

/**
 * Path of an up-to-date ESM bundle of `entry` (an absolute .ts path or generated source), built when needed;
 * null when bundling is off (SPAMTRAP_NO_BUNDLE=1) or failed, so the caller falls back to tsx.
 */
export function cachedBundle(name: string, entry: string | { contents: string; resolveDir: string }): Promise<string | null>;

// Builds a TypeScript entry into one ESM bundle (esbuild) cached on disk and reuses it while none of its inputs changed.
//
// Why: `spamtrap explain` and `spamtrap received` are run over whole archives and timed against SpamAssassin; through
// tsx's loader their start-up is ~0.2 s and every worker thread pays it again. A bundle starts in ~0.06 s. Only our
// own code (relative imports and @spamtrap/* workspaces) goes into the bundle; npm packages stay external and load
// from node_modules as usual. A cache entry records every input file's size and mtime; any change, a missing
// file or a failed build means "no bundle" and the caller falls back to tsx, so a stale bundle is never run.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * node_modules/.cache is where build tools keep such files (removed with node_modules). It must be below the
 * repository: the bundle's imports of npm packages resolve from where it lies. SPAMTRAP_BUNDLE_CACHE overrides it
 * (tests use their own directory there).
 */
export function cacheDir() {
  return process.env.SPAMTRAP_BUNDLE_CACHE || join(repoRoot, 'node_modules', '.cache', 'spamtrap-bundles');
}

/** True when every recorded input still has the size and mtime it had when the bundle was built. */
function fresh(manifest) {
  for (const [file, size, mtimeMs] of manifest.inputs) {
    let st;
    try {
      st = statSync(join(repoRoot, file));
    } catch {
      return false;
    }
    if (st.size !== size || st.mtimeMs !== mtimeMs) return false;
  }
  return existsSync(manifest.bundle);
}

/**
 * Bundles only our own TypeScript: bare specifiers other than @spamtrap/* stay imports of npm packages, and so does
 * this module (it finds the repository from its own location, so it must not be copied into a bundle).
 */
const externalPackages = {
  name: 'external-npm-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@spamtrap/') && args.path !== '@spamtrap/cli/bundle-cache' ? undefined : { path: args.path, external: true });
  },
};

/**
 * Returns the path of an up-to-date bundle of `entry` (an absolute .ts path, or `{ contents, resolveDir }` for a
 * generated entry), building it when needed, or null when bundling is off (SPAMTRAP_NO_BUNDLE=1) or failed
 * (SPAMTRAP_BUNDLE_DEBUG=1 prints why).
 */
export async function cachedBundle(name, entry) {
  if (process.env.SPAMTRAP_NO_BUNDLE === '1') return null;
  const dir = cacheDir();
  const manifestFile = join(dir, `${name}.json`);
  let previous = null;
  try {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    if (fresh(manifest)) return manifest.bundle;
    previous = manifest.bundle;
  } catch {
    // no manifest yet, or unreadable: build
  }
  try {
    const { build } = await import('esbuild');
    const entryOpts = typeof entry === 'string'
      ? { entryPoints: [entry] }
      : { stdin: { contents: entry.contents, resolveDir: entry.resolveDir, loader: 'ts' } };
    const staging = join(dir, 'staging');
    const builtAt = Date.now();
    const out = await build({
      ...entryOpts,
      bundle: true, platform: 'node', format: 'esm', target: 'node20', write: false, metafile: true, logLevel: 'silent',
      absWorkingDir: repoRoot, plugins: [externalPackages],
      // Code behind a dynamic import() goes into its own chunk and loads only when that import runs (the verdict
      // engine of explain pulls in mailparser and friends; a plain `explain --json` never needs them).
      splitting: true, outdir: staging, entryNames: 'entry', outExtension: { '.js': '.mjs' },
      // Bundled CommonJS helpers still find `require` in an ES module.
      banner: { js: "import { createRequire as __spamtrapCreateRequire } from 'node:module'; const require = __spamtrapCreateRequire(import.meta.url);" },
    });
    const hash = createHash('sha256');
    for (const f of out.outputFiles) hash.update(f.path).update(f.contents);
    const target = join(dir, `${name}-${hash.digest('hex').slice(0, 16)}`);
    const bundle = join(target, 'entry.mjs');
    const inputs = Object.keys(out.metafile.inputs)
      .filter((f) => !f.startsWith('<stdin>'))
      .map((f) => {
        const st = statSync(join(repoRoot, f));
        return [f, st.size, st.mtimeMs];
      });
    if (!existsSync(bundle)) {
      // Write a private directory, then rename it into place: a concurrent run sees all files or none.
      const tmp = `${target}.${process.pid}.tmp`;
      for (const f of out.outputFiles) {
        const file = join(tmp, relative(staging, f.path));
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, f.contents);
      }
      try {
        renameSync(tmp, target);
      } catch {
        rmSync(tmp, { recursive: true, force: true }); // another run won the race with the same content
      }
    }
    // An input edited while esbuild read it could have its new mtime recorded with old content: use this bundle
    // once, but do not record it.
    if (inputs.some(([, , mtimeMs]) => mtimeMs >= builtAt - 1000)) return bundle;
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${manifestFile}.${process.pid}.tmp`, JSON.stringify({ bundle, inputs }));
    renameSync(`${manifestFile}.${process.pid}.tmp`, manifestFile);
    // The superseded bundle is dead weight (a process still running it has it in memory already).
    if (previous && previous !== bundle) rmSync(dirname(previous), { recursive: true, force: true });
    return bundle;
  } catch (e) {
    // Silent by default (the tsx fallback gives the same results); SPAMTRAP_BUNDLE_DEBUG=1 says why.
    if (process.env.SPAMTRAP_BUNDLE_DEBUG === '1') process.stderr.write(`spamtrap: no bundle for ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    return null;
  }
}

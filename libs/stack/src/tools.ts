// Preflight checks for the external tools the stack needs, each failing with one line saying how to get it.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { StackError } from './errors.js';

/** Absolute path of an executable found on PATH (or `cmd` itself when it is a path), else null. */
export function which(cmd: string, path = process.env.PATH ?? ''): string | null {
  const candidates = cmd.includes('/') ? [cmd] : path.split(delimiter).filter((d) => d !== '').map((d) => join(d, cmd));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      /* next */
    }
  }
  return null;
}

export function requireTool(cmd: string, aptPackage: string, settingHint = ''): string {
  const found = which(cmd);
  if (found === null) throw new StackError(`${cmd} not found: apt-get install -y ${aptPackage}${settingHint}`);
  return found;
}

/** Java major version from a JAVA_HOME `release` file text (JAVA_VERSION="17.0.15"), or null. */
export function javaMajorFromRelease(text: string): number | null {
  const m = /^JAVA_VERSION="(\d+)(?:\.(\d+))?/m.exec(text);
  if (!m) return null;
  // Java 8 and older call themselves 1.x.
  return m[1] === '1' ? Number(m[2]) : Number(m[1]);
}

/** Java major version from `java -version` output (`openjdk version "17.0.15"`), or null. */
export function javaMajorFromVersionOutput(text: string): number | null {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return null;
  return m[1] === '1' ? Number(m[2]) : Number(m[1]);
}

/** Checks `javaHome` holds Java 17 (what Kafka 3.9 and ES 8.19 are run on here) and returns its java binary. */
export function requireJava17(javaHome: string): string {
  const java = join(javaHome, 'bin', 'java');
  const hint = 'apt-get install -y openjdk-17-jre-headless (or set SPAMTRAP_JAVA_HOME)';
  if (which(java) === null) throw new StackError(`Java 17 not found at ${javaHome}: ${hint}`);
  let major: number | null = null;
  try {
    major = javaMajorFromRelease(readFileSync(join(javaHome, 'release'), 'utf8'));
  } catch {
    const r = spawnSync(java, ['-version'], { encoding: 'utf8', timeout: 20_000 });
    major = javaMajorFromVersionOutput(`${r.stderr}${r.stdout}`);
  }
  if (major !== 17) throw new StackError(`${javaHome} is Java ${major ?? 'of unknown version'}, the stack needs Java 17: ${hint}`);
  return java;
}

/** The lines of Maven output worth showing when a download fails. */
export function mavenErrorSummary(output: string): string {
  const errors = output
    // Maven colours its output even in batch mode on some builds.
    .replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('[ERROR]') && !/^\[ERROR\]\s*(->|$|Re-run|To see|For more|\[Help)/.test(l))
    .map((l) => l.replace(/^\[ERROR\]\s*/, '').replace(/\s*-> \[Help \d+\]$/, ''));
  const first = errors[0] ?? output.trim().split('\n').pop() ?? 'no output';
  return first.length > 300 ? first.slice(0, 300) + '…' : first;
}

/** Runs Maven in batch/quiet mode; on failure throws a one-line StackError with Maven's first error. */
export async function runMaven(mvn: string, args: string[], opts: { javaHome: string; repoLocal: string; what: string }): Promise<void> {
  const full = ['-q', '-B', ...(opts.repoLocal === '' ? [] : [`-Dmaven.repo.local=${opts.repoLocal}`]), ...args];
  const out: Buffer[] = [];
  const code = await new Promise<number>((resolve) => {
    const child = spawn(mvn, full, { env: { ...process.env, JAVA_HOME: opts.javaHome }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => out.push(d));
    child.once('error', () => resolve(127));
    child.once('close', (c) => resolve(c ?? 1));
  });
  if (code !== 0) {
    throw new StackError(`downloading ${opts.what} with Maven failed (exit ${code}): ${mavenErrorSummary(Buffer.concat(out).toString('utf8'))}; check access to Maven Central`);
  }
}

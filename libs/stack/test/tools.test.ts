// Tool checks: Java version detection, PATH lookup, Maven error summaries, and the one-line remedies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StackError } from '../src/errors.js';
import { javaMajorFromRelease, javaMajorFromVersionOutput, mavenErrorSummary, requireJava17, requireTool, runMaven, which } from '../src/tools.js';

test('Java major version from release files and -version output (1.8 style included)', () => {
  assert.equal(javaMajorFromRelease('IMPLEMENTOR="Debian"\nJAVA_VERSION="17.0.15"\n'), 17);
  assert.equal(javaMajorFromRelease('JAVA_VERSION="1.8.0_402"'), 8);
  assert.equal(javaMajorFromRelease('JAVA_VERSION="25"'), 25);
  assert.equal(javaMajorFromRelease('nothing'), null);
  assert.equal(javaMajorFromVersionOutput('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime'), 17);
  assert.equal(javaMajorFromVersionOutput('java version "1.8.0_402"'), 8);
});

test('requireJava17 names the apt package when Java is absent or the wrong version', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stack-java-'));
  try {
    assert.throws(() => requireJava17(join(dir, 'nope')), (e: unknown) => {
      assert.ok(e instanceof StackError);
      assert.match(e.message, /^Java 17 not found at .*nope: apt-get install -y openjdk-17-jre-headless \(or set SPAMTRAP_JAVA_HOME\)$/);
      return true;
    });
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'java'), '#!/bin/sh\n');
    chmodSync(join(dir, 'bin', 'java'), 0o755);
    writeFileSync(join(dir, 'release'), 'JAVA_VERSION="21.0.2"\n');
    assert.throws(() => requireJava17(dir), /is Java 21, the stack needs Java 17: apt-get install -y openjdk-17-jre-headless/);
    writeFileSync(join(dir, 'release'), 'JAVA_VERSION="17.0.9"\n');
    assert.equal(requireJava17(dir), join(dir, 'bin', 'java'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('which finds executables on PATH and requireTool explains how to install a missing one', () => {
  assert.equal(which('sh', '/nonexistent:/bin:/usr/bin')?.endsWith('/sh'), true);
  assert.equal(which('definitely-not-a-tool-xyz', '/bin:/usr/bin'), null);
  assert.throws(() => requireTool('definitely-not-a-tool-xyz', 'maven'), /^StackError: definitely-not-a-tool-xyz not found: apt-get install -y maven$/);
});

test('Maven error summary keeps the first real [ERROR] line', () => {
  const out = [
    '[ERROR] Failed to execute goal org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy (default-cli): Unable to resolve artifact.: Could not transfer artifact x from/to central (https://repo.maven.apache.org/maven2): Connection refused',
    '[ERROR] ',
    '[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.',
    '[ERROR] -> [Help 1]',
  ].join('\n');
  assert.match(mavenErrorSummary(out), /^Failed to execute goal .*Connection refused$/);
  assert.equal(mavenErrorSummary('something odd\nlast words'), 'last words');
  // as Debian's Maven 3.8.7 prints it: colour codes despite -B, and a help pointer
  const coloured = '\x1b[0m\x1b[0m[ERROR] Failed to execute goal x: org.apache.kafka:kafka_2.13:jar:3.9.99 was not found in https://repo.maven.apache.org/maven2 -> [Help 1]\n[ERROR] \n\x1b[0m\x1b[0m';
  assert.equal(mavenErrorSummary(coloured), 'Failed to execute goal x: org.apache.kafka:kafka_2.13:jar:3.9.99 was not found in https://repo.maven.apache.org/maven2');
  assert.ok(mavenErrorSummary(`[ERROR] ${'x'.repeat(1000)}`).length <= 301);
});

test('a failing Maven run becomes one line with the cause and "check access to Maven Central"', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stack-mvn-'));
  try {
    const fake = join(dir, 'mvn');
    writeFileSync(fake, '#!/bin/sh\necho "[ERROR] Could not transfer artifact: Network is unreachable"\necho "[ERROR] -> [Help 1]"\nexit 1\n');
    chmodSync(fake, 0o755);
    await assert.rejects(runMaven(fake, ['x'], { javaHome: '/nonexistent', repoLocal: '', what: 'Kafka 3.9.2' }), (e: unknown) => {
      assert.ok(e instanceof StackError);
      assert.equal(e.message, 'downloading Kafka 3.9.2 with Maven failed (exit 1): Could not transfer artifact: Network is unreachable; check access to Maven Central');
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Trap recipient policy: exact addresses, whole domains, wildcard subdomains; relay tricks refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecipientPolicy, trapPatternProblem } from '../src/recipient-policy.js';

const policy = new RecipientPolicy(['trap.example', '*.wild.example', 'spam@exact.example', 'bücher.example']);

test('accepts whole domains, any case, trailing dot', () => {
  for (const a of ['x@trap.example', 'X@TRAP.EXAMPLE', 'x@trap.example.', 'postmaster@trap.example']) assert.equal(policy.check(a).accept, true, a);
});

test('wildcards match subdomains at any depth but not the apex', () => {
  assert.equal(policy.check('a@mx.wild.example').accept, true);
  assert.equal(policy.check('a@a.b.c.wild.example').accept, true);
  assert.equal(policy.check('a@wild.example').accept, false);
  assert.equal(policy.check('a@notwild.example').accept, false);
});

test('exact addresses match only themselves (local part case-insensitive)', () => {
  assert.equal(policy.check('spam@exact.example').accept, true);
  assert.equal(policy.check('SPAM@Exact.Example').accept, true);
  assert.equal(policy.check('other@exact.example').accept, false);
});

test('IDN domains match in Unicode and punycode', () => {
  assert.equal(policy.check('a@bücher.example').accept, true);
  assert.equal(policy.check('a@xn--bcher-kva.example').accept, true);
});

test('relay attempts are refused with 5.7.1 and a reason', () => {
  const cases: [string, string][] = [
    ['victim@elsewhere.example', 'not_trap'],
    ['a%b@trap.example', 'percent_hack'],
    ['victim%elsewhere.example@trap.example', 'percent_hack'],
    ['host!user@trap.example', 'bang_path'],
    ['a@[192.0.2.1]', 'address_literal'],
    ['postmaster', 'no_domain'],
    ['x@trap.example.evil.example', 'not_trap'],
    ['x@eviltrap.example', 'not_trap'],
  ];
  for (const [addr, reason] of cases) {
    const v = policy.check(addr);
    assert.equal(v.accept, false, addr);
    if (!v.accept) {
      assert.equal(v.reason, reason, addr);
      assert.match(v.message, /^5\.7\.1 /);
    }
  }
});

test('config patterns are checked', () => {
  assert.equal(trapPatternProblem('trap.example'), null);
  assert.equal(trapPatternProblem('*.trap.example'), null);
  assert.equal(trapPatternProblem('a@trap.example'), null);
  assert.notEqual(trapPatternProblem('trap'), null);
  assert.notEqual(trapPatternProblem('a.*.example'), null);
  assert.notEqual(trapPatternProblem('@trap.example'), null);
});

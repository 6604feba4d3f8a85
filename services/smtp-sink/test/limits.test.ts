// The per-peer connection counter: IPv4 per address, IPv6 per /64, IPv4-mapped IPv6 as IPv4.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PerIpCounter } from '../src/limits.js';

test('IPv6 peers are counted by their /64: a second address of the same /64 shares the limit', () => {
  const c = new PerIpCounter();
  assert.equal(c.tryAdd('2001:db8:1:2::a', 2), true);
  assert.equal(c.tryAdd('2001:db8:1:2:ffff:ffff:ffff:ffff', 2), true);
  // Any other address of that /64, in any spelling, is over the limit.
  assert.equal(c.tryAdd('2001:DB8:1:2:0:0:0:b', 2), false);
  assert.equal(c.tryAdd('2001:db8:0001:0002::c', 2), false);
  assert.equal(c.get('2001:db8:1:2::1234'), 2);
  // The neighbouring /64 is another peer.
  assert.equal(c.tryAdd('2001:db8:1:3::a', 2), true);
  assert.equal(c.get('2001:db8:1:3::'), 1);
  // Closing one connection frees a slot for the whole /64, whichever address it came from.
  c.remove('2001:db8:1:2::a');
  assert.equal(c.tryAdd('2001:db8:1:2::d', 2), true);
  c.remove('2001:db8:1:2:ffff:ffff:ffff:ffff');
  c.remove('2001:db8:1:2::d');
  assert.equal(c.get('2001:db8:1:2::'), 0);
});

test('IPv4 peers are counted per address; IPv4-mapped IPv6 counts as that IPv4 address', () => {
  const c = new PerIpCounter();
  assert.equal(c.tryAdd('192.0.2.1', 2), true);
  assert.equal(c.tryAdd('::ffff:192.0.2.1', 2), true);
  assert.equal(c.tryAdd('::FFFF:C000:201', 2), false);
  assert.equal(c.get('192.0.2.1'), 2);
  // The next address (same /24, and same "/64" if one treated it as IPv6) is another peer.
  assert.equal(c.tryAdd('192.0.2.2', 2), true);
  c.remove('::ffff:192.0.2.1');
  assert.equal(c.get('192.0.2.1'), 1);
});

test('a peer without a parseable address is counted under its own text', () => {
  const c = new PerIpCounter();
  assert.equal(c.tryAdd('', 1), true);
  assert.equal(c.tryAdd('', 1), false);
  c.remove('');
  assert.equal(c.get(''), 0);
});

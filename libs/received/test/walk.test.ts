// Tests of the hop walker: trust boundary, relay choice, fetch restarts, session mode and the reason codes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileTrustList, TrustListError, walkHops } from '../src/index.js';

const T = compileTrustList(['*.mx.example.net', 'mx.example.net', 'localhost', '2001:db8:ffff::/48', '198.18.0.0/24']);
const codes = (w: { reasons: { code: string }[] }): string[] => w.reasons.map((r) => r.code);
const D = (h: number): string => `Tue, 14 Feb 2023 ${String(h).padStart(2, '0')}:00:00 +0000`;

describe('compileTrustList', () => {
  it('accepts patterns, names, CIDRs and bare IPs', () => {
    const t = compileTrustList(['*.a.example', 'b.example', '10.0.0.0/8', '2001:db8::/32', '192.0.2.1', '::1', '# comment', '']);
    assert.equal(t.suffixes.length, 1);
    assert.equal(t.nets.length, 4);
  });
  it('names every bad entry', () => {
    assert.throws(() => compileTrustList(['10.0.0.0/33', '*.com', 'a*b.example', 'bad host', '300.1.1.1/8']), (err: unknown) => {
      assert.ok(err instanceof TrustListError);
      assert.equal(err.lines.length, 5);
      assert.match(err.lines[0] as string, /10\.0\.0\.0\/33.*longer than 32/);
      return true;
    });
  });
});

describe('walkHops without session facts', () => {
  it('takes the from side of the lowest trusted header', () => {
    const w = walkHops([
      `from localhost (localhost [127.0.0.1]) by in1.mx.example.net (Postfix) with ESMTP id A; ${D(12)}`,
      `from relay.example.org (relay.example.org [192.0.2.50]) by in1.mx.example.net (Postfix) with ESMTP id B; ${D(11)}`,
      `from spammer.example (unknown [203.0.113.7]) by relay.example.org (Postfix) with SMTP id C; ${D(10)}`,
    ], { trusted: T });
    assert.equal(w.boundary, 1);
    assert.deepEqual(w.relay, { ip: '192.0.2.50', helo: 'relay.example.org', rdns: 'relay.example.org', by: 'in1.mx.example.net', index: 1, source: 'header', auth: false, tls: false });
    assert.deepEqual(w.claimedIps, ['203.0.113.7']);
  });

  it('follows internal hops by trusted network and skips ignored/unparsed headers without moving the boundary', () => {
    const w = walkHops([
      `by 2001:db8:ffff::9 with SMTP id x; ${D(12)}`,
      `from in2.mx.example.net (in2.mx.example.net [2001:db8:ffff::2]) by store.mx.example.net (Postfix) with LMTP id A; ${D(12)}`,
      `from outside.example (outside.example [192.0.2.60]) by in2.mx.example.net (Postfix) with ESMTPS id B; ${D(11)}`,
    ], { trusted: T });
    assert.equal(w.boundary, 2);
    assert.equal(w.relay?.ip, '192.0.2.60');
    assert.equal(w.counts.ignored, 1);
  });

  it('never takes a header below the boundary as the relay, even one claiming our name', () => {
    const w = walkHops([
      `from bot.example (unknown [203.0.113.8]) by in1.mx.example.net (Postfix) with SMTP id A; ${D(12)}`,
      `from fake (fake [198.51.100.1]) by in1.mx.example.net (Postfix) with SMTP id B; ${D(11)}`,
    ], { trusted: T });
    assert.equal(w.relay?.ip, '203.0.113.8');
    assert.equal(w.boundary, 0);
  });

  it('reports NO_TRUSTED_HEADER and no relay when nothing matches the trust list', () => {
    const w = walkHops([`from a.example (a.example [192.0.2.1]) by other.example (Postfix) with SMTP id A; ${D(12)}`], { trusted: T });
    assert.equal(w.relay, null);
    assert.equal(w.boundary, -1);
    assert.ok(codes(w).includes('NO_TRUSTED_HEADER'));
  });

  it('restarts at a fetchmail hop (SpamAssassin pop-fetcher rule)', () => {
    const w = walkHops([
      `from localhost (localhost [127.0.0.1]) by laptop.mx.example.net (Postfix) with ESMTP id A; ${D(13)}`,
      `from pop.mx.example.net [198.18.0.5] by localhost with POP3 (fetchmail-6.4.37) for <u@localhost> (single-drop); ${D(13)}`,
      `from sender.example (sender.example [192.0.2.70]) by pop.mx.example.net (8.14.7/8.14.7) with ESMTP id B; ${D(12)}`,
    ], { trusted: T });
    assert.equal(w.relay?.ip, '192.0.2.70');
    assert.equal(w.boundary, 2);
    assert.ok(codes(w).includes('FETCH_RESTART'));
  });

  it('reports ALL_TRUSTED when the chain never leaves our hosts', () => {
    const w = walkHops([`from localhost (localhost [127.0.0.1]) by in1.mx.example.net (Postfix) with ESMTP id A; ${D(12)}`], { trusted: T });
    assert.equal(w.relay, null);
    assert.ok(codes(w).includes('ALL_TRUSTED'));
  });

  it('reports UNPARSED_ABOVE_BOUNDARY and RELAY_UNPARSEABLE', () => {
    const above = walkHops([
      `via weird-gateway for <u@example.net>; ${D(12)}`,
      `from a.example (a.example [192.0.2.2]) by in1.mx.example.net (Postfix) with SMTP id A; ${D(11)}`,
    ], { trusted: T });
    assert.equal(above.relay?.ip, '192.0.2.2');
    assert.ok(codes(above).includes('UNPARSED_ABOVE_BOUNDARY'));
    const lost = walkHops([
      `from in2.mx.example.net (in2.mx.example.net [198.18.0.2]) by in1.mx.example.net (Postfix) with SMTP id A; ${D(12)}`,
      `from x.example (phishing@pot.1.2) by in2.mx.example.net with Microsoft SMTP Server id 15.20; ${D(11)}`,
    ], { trusted: T });
    assert.equal(lost.relay, null);
    assert.ok(codes(lost).includes('RELAY_UNPARSEABLE'));
  });

  it('flags time running backwards, impossible dates, private below public, by/from mismatch and HELO literals', () => {
    const w = walkHops([
      `from relay.example.org (relay.example.org [93.184.216.80]) by in1.mx.example.net (Postfix) with ESMTP id A; ${D(10)}`,
      `from [203.0.113.200] (unknown [93.184.216.20]) by somewhere-else.example (Postfix) with SMTP id B; ${D(15)}`,
      `from pc (pc [10.1.2.3]) by mail.example.biz (8.14.7/8.14.7) with SMTP id C; Mon, 30 Feb 2009 10:00:00 +0000`,
    ], { trusted: T });
    const c = codes(w);
    for (const code of ['TIME_BACKWARDS', 'DATE_INVALID', 'PRIVATE_BELOW_PUBLIC', 'BY_FROM_MISMATCH', 'HELO_IP_MISMATCH']) assert.ok(c.includes(code), `${code} in ${c.join(',')}`);
    const mismatch = w.reasons.find((r) => r.code === 'BY_FROM_MISMATCH');
    assert.equal(mismatch?.hop, 1);
  });

  it('checks the by/from link into an unparsed header below the boundary', () => {
    const w = walkHops([
      `from sender.example (93.184.216.5) by in1.mx.example.net (10.0.0.1) with Microsoft SMTP Server id 15.20; ${D(12)}`,
      `from unknown (HELO x.example) (Tue, 14 Feb 2023 11:00:00 +0000) by elsewhere.example with SMTP; ${D(11)}`,
    ], { trusted: T });
    assert.equal(w.relay?.ip, '93.184.216.5');
    const m = w.reasons.find((r) => r.code === 'BY_FROM_MISMATCH');
    assert.equal(m?.hop, 1);
    assert.ok(!codes(w).includes('UNPARSED_ABOVE_BOUNDARY'));
  });

  it('flags DATE_IN_FUTURE only against a given now', () => {
    const vals = [`from a (a [192.0.2.3]) by in1.mx.example.net (Postfix) with SMTP id A; Tue, 14 Feb 2040 10:00:00 +0000`];
    assert.ok(!codes(walkHops(vals, { trusted: T })).includes('DATE_IN_FUTURE'));
    assert.ok(codes(walkHops(vals, { trusted: T, now: new Date('2026-01-01T00:00:00Z') })).includes('DATE_IN_FUTURE'));
  });

  it('marks an authenticated or special-purpose relay', () => {
    const w = walkHops([`from laptop (dsl [10.9.8.7]) (Authenticated sender: a@b) by in1.mx.example.net (Postfix) with ESMTPSA id A; ${D(12)}`], { trusted: T });
    assert.equal(w.relay?.ip, '10.9.8.7');
    assert.ok(codes(w).includes('RELAY_AUTHENTICATED'));
    assert.ok(codes(w).includes('RELAY_IP_SPECIAL'));
  });

  it('a forged HELO literal never becomes the relay IP', () => {
    const w = walkHops([`from [192.0.2.99] (unknown [203.0.113.77]) by in1.mx.example.net (Postfix) with SMTP id A; ${D(12)}`], { trusted: T });
    assert.equal(w.relay?.ip, '203.0.113.77');
    assert.ok(codes(w).includes('HELO_IP_MISMATCH'));
  });

  it('caps the number of headers and reports the truncation', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `from h${i}.example (h${i}.example [192.0.2.${i % 250}]) by x${i}.example (Postfix) with SMTP id ${i}; ${D(12)}`);
    many.unshift(`from top.example (top.example [198.51.100.1]) by in1.mx.example.net (Postfix) with SMTP id T; ${D(12)}`);
    const w = walkHops(many, { trusted: T });
    assert.equal(w.relay?.ip, '198.51.100.1');
    assert.equal(w.counts.total, 10_001);
    assert.equal(w.counts.truncated, 10_001 - 256);
    assert.ok(codes(w).includes('HEADERS_TRUNCATED'));
  });

  it('reports NO_RECEIVED_HEADERS for an empty chain', () => {
    const w = walkHops([], { trusted: T });
    assert.equal(w.relay, null);
    assert.ok(codes(w).includes('NO_RECEIVED_HEADERS'));
  });
});

describe('walkHops with session facts', () => {
  it('the session peer is the relay; the top header is a third-party claim', () => {
    const w = walkHops([
      `from upstream.example (upstream.example [192.0.2.10]) by relay.example.org (Postfix) with ESMTP id A; ${D(12)}`,
    ], { trusted: T, session: { peerIp: '::ffff:198.51.100.5', helo: 'relay.example.org' } });
    assert.deepEqual(w.relay, { ip: '198.51.100.5', helo: 'relay.example.org', rdns: null, by: null, index: -1, source: 'session', auth: false, tls: false });
    assert.equal(w.boundary, -1);
    assert.ok(codes(w).includes('THIRD_PARTY_HANDOFF'));
    assert.ok(!codes(w).includes('BY_HELO_MISMATCH'));
    assert.deepEqual(w.claimedIps, ['192.0.2.10']);
  });

  it('headers claiming our own hosts are forgery evidence; by/helo mismatch is reported', () => {
    const w = walkHops([
      `from bot (bot [203.0.113.9]) by in1.mx.example.net (Postfix) with SMTP id A; ${D(12)}`,
    ], { trusted: T, session: { peerIp: '203.0.113.9', helo: 'other.example' } });
    assert.equal(w.relay?.ip, '203.0.113.9');
    const c = codes(w);
    assert.ok(c.includes('FORGED_OWN_HEADER'));
    assert.ok(c.includes('TOP_HEADER_NAMES_PEER'));
    assert.ok(c.includes('BY_HELO_MISMATCH'));
  });

  it('an invalid session IP gives no relay and SESSION_PEER_INVALID', () => {
    const w = walkHops([], { trusted: T, session: { peerIp: 'not-an-ip', helo: null } });
    assert.equal(w.relay, null);
    assert.ok(codes(w).includes('SESSION_PEER_INVALID'));
  });
});

// rDNS rules: each must hit what it is for and must not hit look-alikes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assessName, findEmbeddedIp, tokens } from '../src/index.js';

test('tokens split on separators and digit boundaries only', () => {
  assert.deepEqual(tokens('dhcp024-210-034-053.foo_bar'), ['dhcp', '024', '210', '034', '053', 'foo', 'bar']);
  assert.deepEqual(tokens('liverpool'), ['liverpool']);
  assert.deepEqual(tokens('ppp12.pool'), ['ppp', '12', 'pool']);
});

test('dynamic tokens hit as whole tokens in the host part', () => {
  const hits: [string, string, string][] = [
    ['dhcp-81-2-69-160.isp.example', '81.2.69.160', 'dhcp'],
    ['ppp-1-2.dynamic.isp.example', '5.6.7.8', 'dynamic'],
    ['adsl-77.pool.isp.example', '5.6.7.8', 'adsl'],
    ['cpe-1-2-3-4.cable.example.com', '9.9.9.9', 'cpe'],
    ['host1.res.broadband.isp.co.uk', '9.9.9.9', 'broadband'],
    ['cm-5.catv.isp.example', '9.9.9.9', 'catv'],
    ['abc.dip0.t-ipconnect.de', '9.9.9.9', 'dip'],
    ['x.pppoe.isp.example', '9.9.9.9', 'pppoe'],
    ['user77.dialup.isp.example', '9.9.9.9', 'dialup'],
    ['c-98-207-12-34.hsd1.ca.comcast.net', '9.9.9.9', 'hsd'],
  ];
  for (const [name, ip, token] of hits) {
    const a = assessName(name, ip);
    assert.equal(a.dynamicToken?.token, token, name);
    assert.equal(a.kind, 'dynamic', name);
  }
});

test('dynamic tokens do not hit substrings, the registrable domain, or hosting/business names', () => {
  const misses = [
    'mail.liverpool.ac.uk',
    'smtp.dynatrace.example',
    'mx.mobile.de',
    'mx1.cable.example',
    'mail.poolside.example',
    'smtp.customerio.example',
    'ns1.clientele.example',
    'static.88.198.1.2.clients.your-server.de',
    'ec2-54-1-2-3.compute-1.amazonaws.com',
    'wsip-70-1-2-3.ph.ph.cox.net',
    'rrcs-24-1-2-3.nys.biz.rr.com',
  ];
  for (const name of misses) assert.equal(assessName(name, '9.9.9.9').dynamicToken === null || assessName(name, '9.9.9.9').kind !== 'dynamic', true, name);
  assert.equal(assessName('static.88.198.1.2.clients.your-server.de', '88.198.1.2').kind, 'hosting');
  assert.equal(assessName('ec2-54-1-2-3.compute-1.amazonaws.com', '54.1.2.3').hosting, 'aws-ec2');
  assert.equal(assessName('foo.bc.googleusercontent.com', '35.1.2.3').hosting, 'google-cloud');
  assert.equal(assessName('wsip-70-1-2-3.ph.ph.cox.net', '70.1.2.3').kind, 'business_static');
  assert.equal(assessName('rrcs-24-1-2-3.nys.biz.rr.com', '24.1.2.3').kind, 'business_static');
  assert.equal(assessName('mail.liverpool.ac.uk', '9.9.9.9').kind, 'static_hint');
  assert.equal(assessName('www.liverpool.ac.uk', '9.9.9.9').kind, 'plain');
});

test('static hints lower a dynamic-looking name to static_hint', () => {
  const a = assessName('static-81-2-69-160.cust.isp.example', '81.2.69.160');
  assert.equal(a.staticHint, 'static');
  assert.equal(a.kind, 'static_hint');
  assert.equal(assessName('mail.isp.example', '1.1.1.1').kind, 'static_hint');
});

test('dynamic-DNS names are handled deliberately (dyndns is not the dyn token)', () => {
  const a = assessName('myhome.dyndns.org', '9.9.9.9');
  assert.equal(a.dynamicToken, null);
  assert.equal(a.ddnsToken, 'dyndns');
  assert.equal(a.kind, 'dynamic');
  assert.equal(assessName('box.duckdns.org', '9.9.9.9').ddnsToken, 'duckdns');
});

test('embedded IP forms: every documented form hits the real IP', () => {
  const hits: [string, string, string, number][] = [
    ['dhcp024-210-034-053.isp.example', '24.210.34.53', 'padded', 4],
    ['81-2-69-160.isp.example', '81.2.69.160', 'octets', 4],
    ['host.81.2.69.160.isp.example', '81.2.69.160', 'octets', 4],
    ['81x2x69x160.isp.example', '81.2.69.160', 'octets', 4],
    ['ip81_2_69_160.isp.example', '81.2.69.160', 'octets', 4],
    ['160.69.2.81.in-addr.isp.example', '81.2.69.160', 'reversed', 4],
    ['118.Red-80-35-201.dynamicIP.rima-tde.net', '80.35.201.118', 'split', 4],
    ['host0xd5aaf40b.isp.example', '213.170.244.11', 'hex', 4],
    ['pD9E4F89F.dip0.t-ipconnect.de', '217.228.248.159', 'hex', 4],
    ['h3584750603.isp.example', '213.170.244.11', 'decimal', 4],
    ['c081002069160.isp.example', '81.2.69.160', 'padded', 4],
    ['x-2-69-160.isp.example', '81.2.69.160', 'octets', 3],
    // A neighbour in the same /24 shares three octets: partial evidence only.
    ['81-2-69-161.isp.example', '81.2.69.160', 'octets', 3],
  ];
  for (const [name, ip, form, octets] of hits) {
    const e = findEmbeddedIp(name, ip);
    assert.deepEqual(e, { form, octets }, name);
  }
});

test('embedded IP misses other addresses and stray numbers', () => {
  const misses: [string, string][] = [
    ['81-2-70-161.isp.example', '81.2.69.160'],
    ['160-70-2-81.isp.example', '81.2.69.160'],
    ['mail2.isp.example', '81.2.69.160'],
    ['host0xd5aaf40c.isp.example', '213.170.244.11'],
    ['ad5aaf40b1.isp.example', '213.170.244.11'],
    ['1-2-3.isp.example', '81.2.69.160'],
    ['2001-db8.isp.example', '2001:db8::1'],
  ];
  for (const [name, ip] of misses) assert.equal(findEmbeddedIp(name, ip), null, name);
});

test('6- and 9-digit runs of padded octets count', () => {
  assert.deepEqual(findEmbeddedIp('a227055.upc-a.chello.nl', '62.163.227.55'), null); // two octets only: not enough
  assert.deepEqual(findEmbeddedIp('a163227055.upc-a.chello.nl', '62.163.227.55'), { form: 'padded', octets: 3 });
  assert.deepEqual(findEmbeddedIp('h062163.227055.isp.example', '62.163.227.55'), { form: 'padded', octets: 4 });
});

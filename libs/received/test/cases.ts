// Table of Received lines per MTA, written by us from each MTA's documented header format, with the expected reading.
import type { ReceivedHop } from '@spamtrap/contracts';

export interface Case {
  name: string;
  line: string;
  expect: Partial<ReceivedHop>;
}

const D = 'Tue, 14 Feb 2023 12:59:45 +0000';
const ISO = '2023-02-14T12:59:45.000Z';

export const CASES: Case[] = [
  // Postfix: "from HELO (rdns [ip])", "unknown" for no PTR, [IPv6:...], Authenticated sender, TLS comment.
  { name: 'postfix basic', line: `from mail.example.org (mail.example.org [192.0.2.10]) by mx.example.net (Postfix) with ESMTPS id 4ABCD1234 for <user@example.net>; ${D} (UTC)`,
    expect: { kind: 'relay', fromIp: '192.0.2.10', fromHelo: 'mail.example.org', fromRdns: 'mail.example.org', by: 'mx.example.net', with: 'ESMTPS', tls: true, auth: false, mta: 'postfix', id: '4ABCD1234', for: 'user@example.net', date: ISO } },
  { name: 'postfix unknown rdns', line: `from helo.example (unknown [198.51.100.7]) by mx.example.net (Postfix) with ESMTP id 1A2B; ${D}`,
    expect: { kind: 'relay', fromIp: '198.51.100.7', fromHelo: 'helo.example', fromRdns: null, tls: false } },
  { name: 'postfix IPv6 literal', line: `from mail.example.org (mail.example.org [IPv6:2001:DB8:0:0::25]) by mx.example.net (Postfix) with ESMTP id 1; ${D}`,
    expect: { kind: 'relay', fromIp: '2001:db8::25', fromRdns: 'mail.example.org' } },
  { name: 'postfix ESMTPSA with Authenticated sender', line: `from [192.168.1.20] (host.example [203.0.113.9]) (Authenticated sender: alice@example.org) by smtp.example.org (Postfix) with ESMTPSA id 6C28840B9A for <bob@example.net>; ${D}`,
    expect: { kind: 'relay', fromIp: '203.0.113.9', fromHelo: '[192.168.1.20]', fromRdns: 'host.example', auth: true, tls: true, with: 'ESMTPSA' } },
  { name: 'postfix TLS comment', line: `from mx1.example.org (mx1.example.org [192.0.2.11]) (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256) (No client certificate requested) by mx.example.net (Postfix) with ESMTPS id 4Q; ${D}`,
    expect: { kind: 'relay', fromIp: '192.0.2.11', tls: true, auth: false, by: 'mx.example.net' } },
  { name: 'postfix pobox no space', line: `from helo.example (rdns.example[192.0.2.12]) by mx.example.net (Postfix) with SMTP id 1; ${D}`,
    expect: { kind: 'relay', fromIp: '192.0.2.12', fromRdns: 'rdns.example' } },
  { name: 'postfix pickup', line: `by mx.example.net (Postfix, from userid 1000) id 9F1C2; ${D}`,
    expect: { kind: 'ignored', fromIp: null, by: 'mx.example.net' } },
  { name: 'postfix mapped IPv4', line: `from x.example (rdns.example [IPv6:::ffff:203.0.113.51]) by mx (Postfix) with ESMTP id 2; ${D}`,
    expect: { kind: 'relay', fromIp: '203.0.113.51' } },

  // sendmail: "(rdns [ip])", "(may be forged)", IDENT, "(authenticated bits=0)", "(from user@localhost)".
  { name: 'sendmail basic', line: 'from helo.example (rdns.example [192.0.2.2]) by mx.example.com (8.14.7/8.14.7) with ESMTP id q1ABC123 for <u@example.com>; Mon, 6 Feb 2012 10:00:00 -0500',
    expect: { kind: 'relay', fromIp: '192.0.2.2', fromHelo: 'helo.example', fromRdns: 'rdns.example', mta: 'sendmail', date: '2012-02-06T15:00:00.000Z' } },
  { name: 'sendmail may be forged', line: 'from fake.example (rdns.example [192.0.2.3] (may be forged)) by mx.example.com (8.12.11/8.12.11) with ESMTP id i1; Mon, 6 Feb 2012 10:00:00 -0500',
    expect: { kind: 'relay', fromIp: '192.0.2.3', fromHelo: 'fake.example', fromRdns: 'rdns.example', flags: ['may-be-forged'] } },
  { name: 'sendmail IDENT', line: 'from helo (IDENT:root@rdns.example [192.0.2.4]) by mx.example.com (8.11.6/8.11.6) with ESMTP id g1; Mon, 6 Feb 2012 10:00:00 -0500',
    expect: { kind: 'relay', fromIp: '192.0.2.4', ident: 'root', fromRdns: 'rdns.example', fromHelo: 'helo' } },
  { name: 'sendmail user@[ip]', line: 'from list.example (cpunks@[192.0.2.6]) by relay.example (8.11.6/8.11.6) with ESMTP id g6; Tue, 23 Jul 2002 13:02:02 -0400 (EDT) (envelope-from cpunks@list.example)',
    expect: { kind: 'relay', fromIp: '192.0.2.6', ident: 'cpunks', fromRdns: null, date: '2002-07-23T17:02:02.000Z' } },
  { name: 'sendmail authenticated', line: 'from laptop.example (dsl.example [198.51.100.9]) (authenticated bits=0) by smtp.example.com (8.14.4/8.14.4) with ESMTP id r1; Mon, 6 Feb 2012 10:00:00 -0500',
    expect: { kind: 'relay', fromIp: '198.51.100.9', auth: true } },
  { name: 'sendmail local submission', line: '(from root@localhost) by host.example (8.14.4/8.14.4/Submit) id r1; Mon, 6 Feb 2012 10:00:00 -0500',
    expect: { kind: 'ignored', fromIp: null } },
  { name: 'sendmail no rdns', line: 'from helo.example ([192.0.2.5]) by mx.example.com (8.12.5/8.12.5) with SMTP id x; Mon, 6 Feb 2012 10:00:00 -0500',
    expect: { kind: 'relay', fromIp: '192.0.2.5', fromHelo: 'helo.example', fromRdns: null } },

  // Exim: "rdns ([ip]:port helo=H ident=I)", "[ip] (helo=H)", "(port=N helo=H)", legacy "[ip.port]", local.
  { name: 'exim full', line: `from mail.example.org ([192.0.2.20]:41234 helo=relay.example.org) by mx.example.net with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384 (Exim 4.96) (envelope-from <a@example.org>) id 1pAbCd-000123-Xy for b@example.net; ${D}`,
    expect: { kind: 'relay', fromIp: '192.0.2.20', fromRdns: 'mail.example.org', fromHelo: 'relay.example.org', with: 'ESMTPS', tls: true, mta: 'exim', id: '1pAbCd-000123-Xy' } },
  { name: 'exim helo equals rdns', line: `from mail.example.org ([192.0.2.21]) by mx.example.net with esmtp (Exim 4.92) (envelope-from <a@example.org>) id 1pA; ${D}`,
    expect: { kind: 'relay', fromIp: '192.0.2.21', fromRdns: 'mail.example.org', fromHelo: 'mail.example.org' } },
  { name: 'exim literal from with helo', line: `from [192.0.2.22] (helo=laptop) by mx.example.net with esmtpa (Exim 4.94.2) (envelope-from <x@example.net>) id 1pB; ${D}`,
    expect: { kind: 'relay', fromIp: '192.0.2.22', fromRdns: null, fromHelo: 'laptop', auth: true } },
  { name: 'exim port= form', line: `from [192.0.2.23] (port=5123 helo=laptop.example) by mx.example.net with esmtp (Exim 4.96) id 1pC; ${D}`,
    expect: { kind: 'relay', fromIp: '192.0.2.23', fromHelo: 'laptop.example' } },
  { name: 'exim legacy ip.port', line: 'from rdns.example ([192.0.2.24.1234] helo=foo) by mx.example.net with esmtp (Exim 3.35 #1) id 17x; Mon, 6 Feb 2002 10:00:00 +0000',
    expect: { kind: 'relay', fromIp: '192.0.2.24', fromHelo: 'foo', fromRdns: 'rdns.example' } },
  { name: 'exim forged helo literal (rspamd #1727)', line: `from spambot.example ([192.0.2.25] helo=[203.0.113.99]) by mx.example.net with esmtp (Exim 4.92) id 1pD; ${D}`,
    expect: { kind: 'relay', fromIp: '192.0.2.25', fromHelo: '[203.0.113.99]', flags: ['helo-literal'] } },
  { name: 'exim ident', line: `from rdns.example ([192.0.2.26] helo=x.example ident=joe) by mx.example.net with smtp (Exim 4.92) id 1pE; ${D}`,
    expect: { kind: 'relay', fromIp: '192.0.2.26', ident: 'joe', fromHelo: 'x.example' } },
  { name: 'exim local', line: `from user by host.example with local (Exim 4.96) (envelope-from <user@host.example>) id 1pF; ${D}`,
    expect: { kind: 'ignored', fromIp: null } },
  { name: 'exim local-esmtp', line: `from localhost ([127.0.0.1] helo=host.example) by host.example with local-esmtp (Exim 4.92) id 1pG; ${D}`,
    expect: { kind: 'ignored' } },
  { name: 'exim IPv6 literal with port', line: `from mail.example.org ([2001:db8::1]:49152 helo=mail.example.org) by mx.example.net with esmtps (TLS1.2) (Exim 4.95) id 1pH; ${D}`,
    expect: { kind: 'relay', fromIp: '2001:db8::1' } },

  // qmail: "rdns|unknown (HELO h) (ident@ip)", bare "(ip)", qmail-ldap "([ip])", "invoked" lines.
  { name: 'qmail unknown with HELO', line: 'from unknown (HELO mail.example.org) (192.0.2.30) by mx.example.net with SMTP; 14 Feb 2023 12:59:45 -0000',
    expect: { kind: 'relay', fromIp: '192.0.2.30', fromRdns: null, fromHelo: 'mail.example.org', mta: 'qmail', date: ISO } },
  { name: 'qmail helo omitted = rdns', line: 'from mail.example.org (192.0.2.31) by mx.example.net with SMTP; 14 Feb 2023 12:59:45 -0000',
    expect: { kind: 'relay', fromIp: '192.0.2.31', fromRdns: 'mail.example.org', fromHelo: 'mail.example.org' } },
  { name: 'qmail ident@ip', line: 'from rdns.example (HELO helo.example) (joe@192.0.2.32) by mx.example.net with SMTP; 14 Feb 2023 12:59:45 -0000',
    expect: { kind: 'relay', fromIp: '192.0.2.32', ident: 'joe', fromRdns: 'rdns.example', fromHelo: 'helo.example' } },
  { name: 'qmail invoked by uid', line: '(qmail 12345 invoked by uid 89); 14 Feb 2023 12:59:45 -0000', expect: { kind: 'ignored' } },
  { name: 'qmail invoked from network', line: '(qmail 2356 invoked from network); 14 Feb 2023 12:59:45 -0000', expect: { kind: 'ignored' } },
  { name: 'qmail messnum', line: '(qmail 66061 messnum 229883 invoked from network[192.0.2.99/unknown]); 27 Jul 2002 11:06:53 -0000', expect: { kind: 'ignored', fromIp: null } },
  { name: 'qmail-ldap bracket', line: 'from unknown (HELO x.example) ([192.0.2.33]) by mx.example.net with SMTP; 14 Feb 2023 12:59:45 -0000',
    expect: { kind: 'relay', fromIp: '192.0.2.33', fromHelo: 'x.example' } },
  { name: 'qmail envelope-sender', line: 'from unknown (HELO x.example) (192.0.2.34) (envelope-sender <a@example.org>) by mx.example.net (qmail-ldap-1.03) with SMTP; 14 Feb 2023 12:59:45 -0000',
    expect: { kind: 'relay', fromIp: '192.0.2.34' } },
  { name: 'qmail-scanner', line: 'from 192.0.2.35 by mx.example.net (envelope-from <a@example.org>, uid 201) with qmail-scanner-1.25 (clamdscan: 0.88). Processed in 0.1 secs; 14 Feb 2023 12:59:45 -0000',
    expect: { kind: 'ignored' } },
  { name: 'zimbra LMTP LHLO', line: `from mta.example.com (LHLO mta.example.com) (10.0.0.5) by mbox.example.com with LMTP; ${D}`,
    expect: { kind: 'relay', fromIp: '10.0.0.5', fromHelo: 'mta.example.com' } },

  // Microsoft: SMTPSVC "from HELO ([ip])", Exchange 2013+ "(ip)" and mapi with zone ids, Office 365.
  { name: 'smtpsvc', line: 'from SIMPLEX ([10.3.1.1]) by mail.example.com with Microsoft SMTPSVC(5.0.2195.6713); Tue, 14 Feb 2006 12:59:45 -0800',
    expect: { kind: 'relay', fromIp: '10.3.1.1', fromHelo: 'SIMPLEX', fromRdns: null, mta: 'smtpsvc' } },
  { name: 'smtpsvc unverified', line: 'from mail.example.com ([192.0.2.40]) unverified by relay.example.com with Microsoft SMTPSVC(6.0.3790.4675); Tue, 14 Feb 2006 12:59:45 -0800',
    expect: { kind: 'relay', fromIp: '192.0.2.40', fromHelo: 'mail.example.com' } },
  { name: 'smtpsvc RDNS failed', line: 'from 0 ([192.0.2.41] RDNS failed) by mail.example.com with Microsoft SMTPSVC(6.0.3790.4675); Tue, 14 Feb 2006 12:59:45 -0800',
    expect: { kind: 'relay', fromIp: '192.0.2.41', fromHelo: '0', fromRdns: null } },
  { name: 'smtpsvc pickup', line: 'from mail pickup service by mail.example.com with Microsoft SMTPSVC; Tue, 14 Feb 2006 12:59:45 -0800', expect: { kind: 'ignored' } },
  { name: 'smtpsvc empty from name (rspamd #1965)', line: 'from  ([192.0.2.140]) by mail.example.com with Microsoft SMTPSVC(6.0.3790.1830); Tue, 14 Feb 2006 12:59:45 -0800',
    expect: { kind: 'relay', fromIp: '192.0.2.140', fromHelo: null } },
  { name: 'exchange 2013', line: `from EX1.corp.example.com (10.0.0.1) by EX2.corp.example.com (10.0.0.2) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384) id 15.0.1497.2; ${D}`,
    expect: { kind: 'relay', fromIp: '10.0.0.1', fromHelo: 'EX1.corp.example.com', fromRdns: null, byIp: '10.0.0.2', tls: true, mta: 'exchange' } },
  { name: 'exchange mapi zone id', line: `from EX1.corp.example.com ([fe80::5efe:10.0.0.1%11]) by EX2.corp.example.com ([fe80::1%12]) with mapi id 14.03.0123.000; ${D}`,
    expect: { kind: 'relay', fromIp: 'fe80::5efe:a00:1', byIp: 'fe80::1', mta: 'exchange' } },
  { name: 'exchange stray bracket (rspamd #2452)', line: `from EX1 ([fe80::1%9]]) by EX2 ([fe80::2%9]]) with mapi id 14.03.0123.000; ${D}`,
    expect: { kind: 'relay', fromIp: 'fe80::1' } },
  { name: 'office 365 frontend', line: `from mail-eopbgr.outbound.protection.outlook.com (40.107.1.2) by BN8NAM11FT009.mail.protection.outlook.com (10.13.176.200) with Microsoft SMTP Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.7 via Frontend Transport; ${D}`,
    expect: { kind: 'relay', fromIp: '40.107.1.2', fromHelo: 'mail-eopbgr.outbound.protection.outlook.com', fromRdns: null, byIp: '10.13.176.200', tls: true, mta: 'exchange' } },
  { name: 'office 365 HTTPS mailbox hop', line: `from SA1PR22MB3004.namprd22.prod.outlook.com (::1) by SJ2PR22MB3824.namprd22.prod.outlook.com with HTTPS; ${D}`,
    expect: { kind: 'relay', fromIp: '::1', fromRdns: null, mta: 'exchange' } },

  // Gmail: trailing dot on rDNS, internal "by 2002:..." hops, HELO clutter (rspamd #2275).
  { name: 'gmail mx', line: `from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41]) by mx.google.com with SMTPS id a1sor123 for <x@gmail.com> (Google Transport Security); ${D}`,
    expect: { kind: 'relay', fromIp: '209.85.220.41', fromRdns: 'mail-sor-f41.google.com', tls: true, mta: 'gmail', for: 'x@gmail.com' } },
  { name: 'gmail internal hop', line: `by 2002:a05:6a10:1234:b0:3c6:abcd:1234 with SMTP id x1csp123; ${D}`,
    expect: { kind: 'ignored', byIp: '2002:a05:6a10:1234:b0:3c6:abcd:1234' } },
  { name: 'gmail helo clutter', line: `from ?IPv6:::ffff:192.168.1.2? (host.example. [203.0.113.50]) by smtp.gmail.com with ESMTPSA id x; ${D}`,
    expect: { kind: 'relay', fromIp: '203.0.113.50', fromRdns: 'host.example', auth: true } },

  // Courier: "(rdns [::ffff:ip])", AUTH: comment, softdnserr, id after the date.
  { name: 'courier', line: `from helo.example (rdns.example [::ffff:192.0.2.60]) by mx.example.com with ESMTP; ${D} id 00000001.63EB8C21.00001234`,
    expect: { kind: 'relay', fromIp: '192.0.2.60', fromRdns: 'rdns.example', id: '00000001.63EB8C21.00001234', date: ISO } },
  { name: 'courier auth', line: `from laptop ([::ffff:192.0.2.61]) (AUTH: LOGIN alice, TLS: TLSv1/SSLv3,256bits,AES256-SHA) by mail.example.com with ESMTPSA; ${D} id 0000A`,
    expect: { kind: 'relay', fromIp: '192.0.2.61', auth: true, tls: true, mta: 'courier' } },
  { name: 'courier softdnserr', line: `from helo.example ([::ffff:192.0.2.62] softdnserr) by mx.example.com with ESMTP; ${D}`,
    expect: { kind: 'relay', fromIp: '192.0.2.62', fromRdns: null } },

  // CommuniGate Pro: "[ip] (HELO h)", "(account x HELO y)", "[ip] verified"; a HELO literal never supplies the IP.
  { name: 'communigate', line: `from [192.0.2.70] (HELO helo.example) by mail.example.com (CommuniGate Pro SMTP 6.2.1) with ESMTP id 123 for x@example.com; ${D}`,
    expect: { kind: 'relay', fromIp: '192.0.2.70', fromHelo: 'helo.example', mta: 'communigate' } },
  { name: 'communigate account', line: `from [192.0.2.71] (account alice@example.com HELO laptop) by mail.example.com (CommuniGate Pro SMTP 5.1.16) with ESMTPA id 1; ${D}`,
    expect: { kind: 'relay', fromIp: '192.0.2.71', fromHelo: 'laptop', auth: true } },
  { name: 'communigate forged HELO literal', line: `from [192.0.2.72] (HELO [203.0.113.66]) by mail.example.com (CommuniGate Pro SMTP 6.0) with ESMTP id 2; ${D}`,
    expect: { kind: 'relay', fromIp: '192.0.2.72', fromHelo: '[203.0.113.66]' } },
  { name: 'communigate verified', line: `from helo.example ([192.0.2.73] verified) by mail.example.com (CommuniGate Pro SMTP 5.2.3) with ESMTP id 3; ${D}`,
    expect: { kind: 'relay', fromIp: '192.0.2.73', fromHelo: 'helo.example' } },

  // Domino never records rDNS; MDaemon writes "helo [ip]" or "[(ip)]".
  { name: 'domino', line: 'from helo.example ([192.0.2.80]) by notes.example.com (Lotus Domino Release 8.5.3FP6) with ESMTP id 2014021412594501-1234 ; Fri, 14 Feb 2014 12:59:45 +0100',
    expect: { kind: 'relay', fromIp: '192.0.2.80', fromHelo: 'helo.example', fromRdns: null, mta: 'domino', date: '2014-02-14T11:59:45.000Z' } },
  { name: 'mdaemon', line: 'from helo.example [192.0.2.90] by mail.example.com (MDaemon PRO v11.0.3) with ESMTP id md50000001234.msg for <x@example.com>; Tue, 14 Feb 2012 12:59:45 +0100',
    expect: { kind: 'relay', fromIp: '192.0.2.90', fromHelo: 'helo.example', mta: 'mdaemon' } },
  { name: 'mdaemon [(ip)]', line: 'from helo.example [(192.0.2.91)] by mail.example.com (MDaemon.PRO.v6.8.5.R) with ESMTP id md5; Tue, 14 Feb 2012 12:59:45 +0100',
    expect: { kind: 'relay', fromIp: '192.0.2.91' } },

  // Haraka.
  { name: 'haraka', line: `from helo.example (rdns.example [192.0.2.100]) by mx.example.net (Haraka/2.8.28) with ESMTPS id 5C1A2B3C-1234-4D5E-8F90-ABCDEF012345.1 envelope-from <a@example.org> tls TLS_AES_256_GCM_SHA384; ${D}`,
    expect: { kind: 'relay', fromIp: '192.0.2.100', fromRdns: 'rdns.example', fromHelo: 'helo.example', tls: true, mta: 'haraka' } },
  { name: 'haraka authenticated', line: `from laptop (dsl.example [198.51.100.101]) (authenticated bits=0) by mx.example.net (Haraka/3.0.3) with ESMTPSA id X.1 envelope-from <a@example.net>; ${D}`,
    expect: { kind: 'relay', fromIp: '198.51.100.101', auth: true } },

  // amavis / Zimbra local hops are loopback relays (the walker treats loopback as ours).
  { name: 'amavis', line: `from mta.example.com ([127.0.0.1]) by localhost (mta.example.com [127.0.0.1]) (amavisd-new, port 10032) with ESMTP id AbC123 for <x@example.com>; ${D}`,
    expect: { kind: 'relay', fromIp: '127.0.0.1', by: 'localhost' } },
  { name: 'postfix after amavis', line: `from localhost (localhost [127.0.0.1]) by mta.example.com (Postfix) with ESMTP id 1A; ${D}`,
    expect: { kind: 'relay', fromIp: '127.0.0.1', fromRdns: 'localhost' } },
  { name: 'cyrus lmtp unix socket', line: `from mx.example.com ([unix socket]) by imap.example.com (Cyrus v2.4.17) with LMTPA; ${D}`, expect: { kind: 'ignored' } },

  // Mailbox fetch and batch / local protocols.
  { name: 'fetchmail POP3', line: `from mail.example.net [192.0.2.110] by localhost with POP3 (fetchmail-6.4.37) for <u@localhost> (single-drop); ${D}`,
    expect: { kind: 'ignored', flags: ['fetch'] } },
  { name: 'fetchmail IMAP', line: `from imap.example.net [192.0.2.111] by laptop.local with IMAP (fetchmail-6.4.0) for <u@localhost> (single-drop); ${D}`,
    expect: { kind: 'ignored', flags: ['fetch'] } },
  { name: 'BSMTP', line: `from relay.example by host.example with BSMTP; ${D}`, expect: { kind: 'ignored' } },
  { name: 'uucp', line: `from relay.example by host.example with UUCP id a1; ${D}`, expect: { kind: 'ignored' } },

  // Webmail and odd MTAs.
  { name: 'yahoo webmail via HTTP', line: 'from [192.0.2.120] by web12345.mail.yahoo.com via HTTP; Tue, 14 Feb 2006 12:59:45 PST',
    expect: { kind: 'relay', fromIp: '192.0.2.120', auth: true, date: '2006-02-14T20:59:45.000Z' } },
  { name: 'squirrelmail', line: `from 192.0.2.121 (SquirrelMail authenticated user alice) by webmail.example.com with HTTP; ${D}`,
    expect: { kind: 'relay', fromIp: '192.0.2.121', auth: true } },
  { name: 'xmail ip:port', line: `from helo.example (192.0.2.122:1234) by mail.example.com with [XMail 1.27 ESMTP Server] id <S1> for <x@example.com>; ${D}`,
    expect: { kind: 'relay', fromIp: '192.0.2.122' } },
  { name: 'gmx EHLO comment then literal', line: `from dsl-198-51-100-64.example.net (EHLO homepc) [198.51.100.64] by mail.gmx.net (mp010) with SMTP; ${D}`,
    expect: { kind: 'relay', fromIp: '198.51.100.64', fromHelo: 'homepc', fromRdns: 'dsl-198-51-100-64.example.net' } },
  { name: 'obtuse smtpd', line: `from unknown(192.0.2.130), claiming to be "helo.example" via SMTP by mx.example.com, id smtpdAAAa1234; ${D}`,
    expect: { kind: 'relay', fromIp: '192.0.2.130', fromHelo: 'helo.example', fromRdns: null } },
  { name: 'norton gateway comment form', line: `(from helo.example [192.0.2.150]) by gw.example.com (Norton AntiSpam Gateway); ${D}`,
    expect: { kind: 'relay', fromIp: '192.0.2.150' } },
  { name: 'bare from-literal (forged generic)', line: `from [192.0.2.151] by mx.example.com with SMTP; ${D}`,
    expect: { kind: 'relay', fromIp: '192.0.2.151', fromHelo: null } },
  { name: 'no IP at all', line: `from party by relay.example with SMTP id 7AEq; ${D}`, expect: { kind: 'unparsed', fromIp: null } },
  { name: 'lower-case keywords and ESMTPA;', line: `FROM helo.example (rdns.example [192.0.2.160]) BY mx.example.com WITH ESMTPA; ${D}`,
    expect: { kind: 'relay', fromIp: '192.0.2.160', auth: true, with: 'ESMTPA' } },

  // Dates.
  { name: 'broken spam date', line: 'from x (y [192.0.2.170]) by mx (Postfix) with SMTP id 1; Aug, 24 2002 12:01:28 PM -0000',
    expect: { kind: 'relay', date: '2002-08-24T12:01:28.000Z' } },
  { name: 'impossible date', line: 'from x (y [192.0.2.171]) by mx (Postfix) with SMTP id 1; Mon, 30 Feb 2009 10:00:00 +0000',
    expect: { kind: 'relay', date: null, flags: ['date-invalid'] } },
  { name: 'wrong weekday', line: 'from x (y [192.0.2.172]) by mx (Postfix) with SMTP id 1; Mon, 14 Feb 2023 12:59:45 +0000',
    expect: { kind: 'relay', date: ISO, flags: ['date-weekday-mismatch'] } },
  { name: 'fractional seconds', line: 'from x (unknown) by geopod-ismtpd-3 (SG) with HTTP id B; Sat, 18 Feb 2023 05:33:27.926 +0000 (UTC)',
    expect: { kind: 'unparsed', date: '2023-02-18T05:33:27.000Z' } },
];

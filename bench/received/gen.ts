// Deterministic synthetic corpus for the Received benchmark: realistic multi-format chains, our own text, seeded PRNG.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../support/util.js';

const rng = mulberry32;

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function rfcDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** Writes `count` messages into `dir` (skipped when already complete) and returns the directory. */
export function generateCorpus(dir: string, count: number, seed = 42): string {
  const marker = `${dir}.complete`; // outside the directory, so it is not read as a message
  if (existsSync(marker)) return dir;
  mkdirSync(dir, { recursive: true });
  const r = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)] as T;
  const ip = (): string => `${1 + Math.floor(r() * 222)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${1 + Math.floor(r() * 254)}`;
  const host = (): string => `${pick(['mail', 'smtp', 'mx', 'out', 'relay', 'host'])}${Math.floor(r() * 900)}.${pick(['example', 'sample', 'test', 'demo'])}-${Math.floor(r() * 50)}.${pick(['com', 'net', 'org', 'de', 'br', 'jp'])}`;
  const id = (): string => Math.floor(r() * 2 ** 48).toString(16).toUpperCase();
  const formats: Array<(from: string, fromIp: string, by: string, date: string) => string> = [
    (f, i, b, d) => `from ${f} (${f} [${i}])\r\n\tby ${b} (Postfix) with ESMTPS id ${id()}\r\n\tfor <user@bench.example>; ${d}`,
    (f, i, b, d) => `from ${f} ([${i}]:${1024 + Math.floor(r() * 60000)} helo=${f})\r\n\tby ${b} with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384\r\n\t(Exim 4.96) (envelope-from <a@${f}>) id 1p${id()}; ${d}`,
    (f, i, b, d) => `from unknown (HELO ${f}) (${i})\r\n  by ${b} with SMTP; ${d}`,
    (f, i, b, d) => `from ${f} (${i}) by ${b} (10.1.2.3) with Microsoft SMTP Server (version=TLS1_2,\r\n cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.7.${Math.floor(r() * 99)} via Frontend Transport; ${d}`,
    (f, i, b, d) => `from ${f} (${f}. [${i}])\r\n        by ${b} with ESMTPS id ${id().toLowerCase()}\r\n        for <user@bench.example>\r\n        (Google Transport Security); ${d}`,
    (f, i, b, d) => `from ${f} (${f} [${i}] (may be forged))\r\n\tby ${b} (8.14.7/8.14.7) with ESMTP id ${id()}; ${d}`,
    (f, i, b, d) => `from [${i}] (account user@${f} HELO ${f})\r\n  by ${b} (CommuniGate Pro SMTP 6.2.1) with ESMTPA id ${Math.floor(r() * 1e6)}; ${d}`,
  ];
  let t = Date.UTC(2024, 0, 1);
  for (let n = 0; n < count; n++) {
    t += Math.floor(r() * 600_000);
    const hops = 2 + Math.floor(r() * 6);
    const chain: string[] = [];
    let by = `in${Math.floor(r() * 4)}.mx.bench.example`;
    let when = t;
    chain.push(`from localhost (localhost [127.0.0.1]) by store.mx.bench.example (Postfix) with LMTP id ${id()}; ${rfcDate(when)}`);
    for (let h = 0; h < hops; h++) {
      const from = host();
      when -= Math.floor(r() * 30_000);
      chain.push(pick(formats)(from, ip(), by, rfcDate(when)));
      by = from;
    }
    if (r() < 0.3) chain.push(`(qmail ${Math.floor(r() * 99999)} invoked by uid ${Math.floor(r() * 1000)}); ${rfcDate(when - 1000)}`);
    const body = Array.from({ length: 20 + Math.floor(r() * 80) }, () => 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.').join('\r\n');
    const msg = [
      ...chain.map((c) => `Received: ${c}`),
      `Message-ID: <${id()}@bench.example>`,
      `Date: ${rfcDate(t)}`,
      `From: "Sender" <sender@${host()}>`,
      'To: <user@bench.example>',
      `Subject: synthetic message ${n}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      body,
      '',
    ].join('\r\n');
    writeFileSync(join(dir, `m${String(n).padStart(6, '0')}.eml`), msg);
  }
  writeFileSync(marker, `${count} ${seed}\n`);
  return dir;
}

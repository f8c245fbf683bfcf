// Datagrams a media port must survive: random bytes and malformed STUN (RFC 5389 framing
// with a bad MESSAGE-INTEGRITY, an unknown ufrag, or cut short).
import crypto from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';

const MAGIC_COOKIE = 0x2112a442;

function attr(type, value) {
  const pad = (4 - (value.length % 4)) % 4;
  const out = Buffer.alloc(4 + value.length + pad);
  out.writeUInt16BE(type, 0);
  out.writeUInt16BE(value.length, 2);
  value.copy(out, 4);
  return out;
}

/**
 * A Binding request as a browser sends it (USERNAME, PRIORITY, ICE-CONTROLLING,
 * USE-CANDIDATE, MESSAGE-INTEGRITY, FINGERPRINT) except that the integrity is random:
 * RFC 5389 §10.1.2 says to reject it with 401, RFC 8445 lets an ICE-lite server drop it.
 */
export function stunBindingBadIntegrity(serverUfrag) {
  const username = Buffer.from(`${serverUfrag}:${crypto.randomBytes(4).toString('hex')}`);
  const priority = Buffer.alloc(4);
  priority.writeUInt32BE(0x6e7f1eff, 0);
  const attrs = [
    attr(0x0006, username),
    attr(0x0024, priority),
    attr(0x802a, crypto.randomBytes(8)),
    attr(0x0025, Buffer.alloc(0)),
    attr(0x0008, crypto.randomBytes(20)),
  ];
  const bodyLen = attrs.reduce((n, a) => n + a.length, 0) + 8; // + FINGERPRINT
  const header = Buffer.alloc(20);
  header.writeUInt16BE(0x0001, 0);
  header.writeUInt16BE(bodyLen, 2);
  header.writeUInt32BE(MAGIC_COOKIE, 4);
  crypto.randomBytes(12).copy(header, 8);
  const withoutFp = Buffer.concat([header, ...attrs]);
  // RFC 5389 §15.5: CRC-32 of the message up to the attribute, XOR 0x5354554e.
  const fp = Buffer.alloc(4);
  fp.writeUInt32BE((zlib.crc32(withoutFp) ^ 0x5354554e) >>> 0, 0);
  return Buffer.concat([withoutFp, attr(0x8028, fp)]);
}

/** Well-formed framing, a ufrag the server never issued. */
export function stunBindingUnknownUfrag() {
  return stunBindingBadIntegrity(crypto.randomBytes(6).toString('hex'));
}

/** A Binding request cut somewhere: inside the header, or with its length field lying. */
export function stunTruncated(serverUfrag) {
  const full = stunBindingBadIntegrity(serverUfrag);
  const cut = 1 + crypto.randomInt(full.length - 1);
  return full.subarray(0, cut);
}

/** Random bytes of random length; the first byte falls in any RFC 7983 range. */
export function randomDatagram() {
  return crypto.randomBytes(1 + crypto.randomInt(1200));
}

/** The kinds in the flood, in equal parts. */
export const GARBAGE_KINDS = ['random', 'stun_bad_integrity', 'stun_unknown_ufrag', 'stun_truncated'];

export function garbage(kind, serverUfrag) {
  switch (kind) {
    case 'random':
      return randomDatagram();
    case 'stun_bad_integrity':
      return stunBindingBadIntegrity(serverUfrag);
    case 'stun_unknown_ufrag':
      return stunBindingUnknownUfrag();
    case 'stun_truncated':
      return stunTruncated(serverUfrag);
    default:
      throw new Error(`unknown garbage kind ${kind}`);
  }
}

/** Datagrams the kernel dropped on sockets bound to this local UDP port (/proc/net/udp "drops"). */
export function kernelUdpDrops(port) {
  let total = 0;
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
    let text;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 13) continue;
      const localPort = parseInt(cols[1].split(':')[1], 16);
      if (localPort === port) total += Number(cols[12]);
    }
  }
  return total;
}

/**
 * A caller number nobody has used: a random US area code with 555-01XX, the range the North
 * American numbering plan keeps for fiction, so it can never ring a real person.
 */
import { randomInt } from 'node:crypto';

/** A fresh fictional E.164 number, e.g. +13125550147 (never in area code 555, the demo's). */
export function freshCallerNumber(): string {
  for (;;) {
    const area = `${randomInt(2, 10)}${randomInt(0, 9)}${randomInt(0, 10)}`;
    // N11 codes (211, 911, ...) are services, not area codes; 555 is the scenarios' and the demo's.
    if (area.slice(1) === '11' || area === '555') continue;
    return `+1${area}55501${String(randomInt(0, 100)).padStart(2, '0')}`;
  }
}

/** IANA zones where it is a given local hour right now, so calling-hours tests run at any time of day. */

/** An `Etc/GMT±N` zone whose local hour is now `hour` (Etc names invert the sign: Etc/GMT-3 is UTC+3). */
export function zoneAtLocalHour(hour: number, now = new Date()): string {
  let k = hour - now.getUTCHours();
  if (k > 14) k -= 24;
  if (k < -12) k += 24;
  return k === 0 ? 'Etc/GMT' : k > 0 ? `Etc/GMT-${k}` : `Etc/GMT+${-k}`;
}

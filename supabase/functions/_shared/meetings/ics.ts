/** An iCalendar (RFC 5545) invitation for one meeting: METHOD:REQUEST with one VEVENT. */

export interface IcsMeeting {
  uid: string;
  start: Date;
  end: Date;
  title: string;
  organizer: { name: string; email: string };
  attendee: { name: string | null; email: string };
  description?: string;
}

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/** Escapes TEXT values (backslash, semicolon, comma, newline). */
function text(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Folds lines longer than 75 octets, as the RFC requires (continuation lines start with a space). */
function fold(line: string): string {
  const bytes = new TextEncoder().encode(line);
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let current = '';
  for (const ch of line) {
    if (new TextEncoder().encode(current + ch).length > (parts.length ? 74 : 75)) {
      parts.push(current);
      current = '';
    }
    current += ch;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

export function meetingIcs(m: IcsMeeting, now = new Date()): string {
  const cn = (name: string | null) => (name ? `;CN="${name.replace(/"/g, "'")}"` : '');
  return [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//LegacyAI Voice//Meetings//EN', 'METHOD:REQUEST', 'CALSCALE:GREGORIAN',
    'BEGIN:VEVENT',
    `UID:${m.uid}`,
    `DTSTAMP:${stamp(now)}`,
    `DTSTART:${stamp(m.start)}`,
    `DTEND:${stamp(m.end)}`,
    `SUMMARY:${text(m.title)}`,
    ...(m.description ? [`DESCRIPTION:${text(m.description)}`] : []),
    `ORGANIZER${cn(m.organizer.name)}:mailto:${m.organizer.email}`,
    `ATTENDEE${cn(m.attendee.name)};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${m.attendee.email}`,
    'STATUS:CONFIRMED', 'SEQUENCE:0',
    'END:VEVENT', 'END:VCALENDAR',
  ].map(fold).join('\r\n') + '\r\n';
}

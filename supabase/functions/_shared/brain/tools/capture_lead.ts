/** capture_lead: save what the caller told us about themselves onto their customer row. */
import type { LeadFields, Tool } from '../types.ts';
import { isEmail, parseSpokenEmail } from '../speech/email.ts';
import { isE164, parsePhone } from '../speech/phone.ts';
import { extractNeed } from '../speech/need.ts';

const FIELDS = ['name', 'company', 'email', 'phone', 'need', 'timeline'] as const;
const MAX_LEN: Record<(typeof FIELDS)[number], number> = {
  name: 80,
  company: 120,
  email: 254,
  phone: 16,
  need: 500,
  timeline: 200,
};

/** Sentences the agent can say when a value does not hold up. */
export const LEAD_PROBLEMS = {
  email: "That email address doesn't sound complete. Could you say it again, like name at company dot com?",
  phone: "I didn't get a full phone number. Could you say it again, with the area code?",
  name: 'Sorry, could you tell me your name again?',
  nothing: 'There was nothing to save. Ask the caller for the detail again.',
} as const;

const LEAD_PROBLEMS_ES: Record<keyof typeof LEAD_PROBLEMS, string> = {
  email: 'Ese correo no parece completo. ¿Me lo repite, por ejemplo: nombre arroba empresa punto com?',
  phone: 'No capté un número completo. ¿Me lo repite, con el código de área?',
  name: 'Perdón, ¿me repite su nombre?',
  nothing: LEAD_PROBLEMS.nothing,
};

function clean(v: unknown, max: number): string | null {
  if (typeof v !== 'string') return null;
  const s = v.replace(/\s+/g, ' ').trim();
  return s ? s.slice(0, max) : null;
}

/** An email as typed or as spoken ("dana at orchard dental dot com"), lower-cased; null if neither. */
export function normaliseEmail(v: string): string | null {
  const typed = v.trim().toLowerCase();
  if (isEmail(typed)) return typed;
  return parseSpokenEmail(v);
}

/** A phone number in E.164, digits or words; null if it is not a full number. */
export function normalisePhone(v: string): string | null {
  const compact = v.replace(/[\s().-]/g, '');
  if (isE164(compact)) return compact;
  return parsePhone(v);
}

export const captureLead: Tool = {
  name: 'capture_lead',
  description:
    'Save details the caller gave about themselves (any of name, company, email, phone, need, timeline) ' +
    'to their customer record. Call it as soon as the caller gives a detail. Email as the caller said it is fine.',
  parameters: {
    type: 'object',
    properties: {
      name: { type: 'string', description: "The caller's full name." },
      company: { type: 'string', description: "The caller's company or business name." },
      email: { type: 'string', description: 'Email address, e.g. dana@orcharddental.com.' },
      phone: { type: 'string', description: 'Phone number with area code, e.g. +15551234567.' },
      need: { type: 'string', description: 'What the caller wants help with, in a sentence.' },
      timeline: { type: 'string', description: 'When they want to start, in their words.' },
    },
    additionalProperties: false,
  },
  handler(args, tc) {
    const PROBLEMS = tc.language === 'es' ? LEAD_PROBLEMS_ES : LEAD_PROBLEMS;
    const lead: LeadFields = {};
    const problems: string[] = [];
    for (const key of FIELDS) {
      const v = clean(args[key], key === 'email' || key === 'phone' ? 200 : MAX_LEN[key]);
      if (!v) continue;
      if (key === 'email') {
        const email = normaliseEmail(v);
        if (email) lead.email = email;
        else problems.push(PROBLEMS.email);
      } else if (key === 'phone') {
        const phone = normalisePhone(v);
        if (phone) lead.phone = phone;
        else problems.push(PROBLEMS.phone);
      } else if (key === 'name' && (/[\d@]/.test(v) || !/\p{L}/u.test(v))) {
        problems.push(PROBLEMS.name);
      } else if (key === 'need') {
        // What they want, without their introduction or filler; nothing when it names no need.
        const need = extractNeed(v, { answer: true });
        if (need) lead.need = need;
      } else {
        lead[key] = v;
      }
    }
    const saved = Object.keys(lead);
    if (problems.length) {
      return Promise.resolve({
        ok: false,
        result: problems.join(' '),
        actions: saved.length ? { lead } : {},
      });
    }
    if (!saved.length) return Promise.resolve({ ok: false, result: PROBLEMS.nothing, actions: {} });
    return Promise.resolve({ ok: true, result: `Saved ${saved.join(', ')}.`, actions: { lead } });
  },
};

import { describe, expect, it } from 'vitest';
import { formatDaySpans, parseDaySpans } from '../../web/src/lib/server/hours.ts';
import { formatTopics, parseTopics } from '../../web/src/lib/server/escalation.ts';

describe('business hours fields', () => {
  it('parses spans, padding hours and sorting', () => {
    expect(parseDaySpans('13:00-17:00, 9:00-12:00')).toEqual({ spans: [['09:00', '12:00'], ['13:00', '17:00']] });
    expect(parseDaySpans('')).toEqual({ spans: [] });
    expect(parseDaySpans('closed')).toEqual({ spans: [] });
    expect(parseDaySpans('18:00-24:00')).toEqual({ spans: [['18:00', '24:00']] });
  });

  it('explains what is wrong', () => {
    expect(parseDaySpans('nine to five')).toHaveProperty('error');
    expect(parseDaySpans('18:00-09:00')).toEqual({ error: '18:00-09:00: the opening time must be before the closing time.' });
    expect(parseDaySpans('25:00-26:00')).toHaveProperty('error');
    expect(parseDaySpans('09:00-13:00, 12:00-17:00')).toEqual({ error: 'The spans overlap.' });
  });

  it('formats back to the same text', () => {
    expect(formatDaySpans([['09:00', '12:00'], ['13:00', '17:00']])).toBe('09:00-12:00, 13:00-17:00');
    expect(formatDaySpans(undefined)).toBe('');
  });
});

describe('escalation topics field', () => {
  it('parses one topic per line', () => {
    expect(parseTopics('Billing: Invoice, refund, refund\n\nlegal: lawyer')).toEqual({
      topics: { billing: ['invoice', 'refund'], legal: ['lawyer'] },
    });
  });

  it('rejects lines without words or a colon', () => {
    expect(parseTopics('billing')).toEqual({ error: 'Line 1: write “topic: word, word”.' });
    expect(parseTopics('ok: yes\nbilling:')).toEqual({ error: 'Line 2: list at least one word for “billing”.' });
  });

  it('formats the stored JSON', () => {
    expect(formatTopics({ billing: ['invoice', 'refund'] })).toBe('billing: invoice, refund');
    expect(formatTopics(undefined)).toBe('');
  });
});

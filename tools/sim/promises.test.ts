import { describe, expect, it } from 'vitest';
import { checkPromises, promiseSentences, spokenTimes } from './promises.ts';

const TEAM = ['Alex Rivera', 'Jordan Lee', 'Sam Patel'];
const callbackFor = (assignee: string, local_time: string) => ({ task_type: 'callback', local_time, assignee });

describe('the promise check', () => {
  it('reads commitments, not offers or questions', () => {
    expect(promiseSentences("I can have Sam call you back. I've booked Sam to call you back tomorrow at 2 PM. Would Sam calling you work?"))
      .toEqual(["I've booked Sam to call you back tomorrow at 2 PM."]);
    expect(promiseSentences('He agendado a Sam para que le llame mañana a las 2 p. m.')).toHaveLength(1);
  });

  it('reads spoken times as HH:MM', () => {
    expect(spokenTimes('tomorrow at 2 PM, or 9:30 am, or noon, or 11 p. m.')).toEqual(['14:00', '09:30', '12:00', '23:00']);
  });

  it('passes when the task holds the person and time promised last', () => {
    const replies = ["I've booked Sam to call you back tomorrow at 2 PM.", "Sure. I've booked Jordan to call you back Monday at 10:30 AM."];
    expect(checkPromises(replies, [callbackFor('Jordan Lee', '10:30')], TEAM)).toEqual([]);
  });

  it('fails when the task is someone else\'s, or at another time, or missing', () => {
    const replies = ["I've booked Sam to call you back tomorrow at 2 PM."];
    expect(checkPromises(replies, [callbackFor('Alex Rivera', '14:00')], TEAM)).toEqual([
      'promise: the agent said "I\'ve booked Sam to call you back tomorrow at 2 PM." but the call left callback for Alex Rivera',
    ]);
    expect(checkPromises(replies, [callbackFor('Sam Patel', '15:00')], TEAM)[0]).toMatch(/a callback at 15:00/);
    expect(checkPromises(replies, [], TEAM)).toHaveLength(2);
  });

  it('ignores replies that promise nothing', () => {
    expect(checkPromises(["We're open Monday to Friday, 9 AM to 6 PM.", 'Sam on our team handles that. Would you like me to put you through?'], [], TEAM)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { checkExpectations, type CallTranscript, type DbFacts } from './expectations.ts';
import { parseScenario, type Scenario } from './scenario-file.ts';

const scenario = (extra: Partial<Scenario>): Scenario => parseScenario({ name: 'n', caller: '+15555550101', turns: [], expect: {}, ...extra });
const call = (extra: Partial<CallTranscript> = {}): CallTranscript => ({
  turns: [{ caller: null, agent: 'Hi Elena, thanks for calling Legacy AI.', latency_ms: 120 }],
  ended: 'caller_hangup', dialed: null, error: null, statusCallback: { status: 200 }, ...extra,
});
const facts = (extra: Partial<DbFacts> = {}): DbFacts => ({
  conversation: { id: 'c1', escalated: false },
  customer: { name: '  dana whitfield ', company: 'Orchard Dental', email: 'dana@orcharddental.com', lead_score: 40 },
  tasks: [], messages: 4, ...extra,
});

describe('checkExpectations', () => {
  it('passes a call that meets everything', () => {
    const s = scenario({
      turns: [{ say: 'hours?', expect_reply: ['\\b9\\b|nine', 'MONDAY'], expect_reply_not: ['transfer'] }],
      expect: { ended: ['caller_hangup', 'agent_hangup'], escalated: false, greeting: ['elena'], messages_min: 4, customer: { name: 'Dana Whitfield', email: 'DANA@orcharddental.com' } },
    });
    const turns = [...call().turns, { caller: 'hours?', agent: "We're open Monday to Friday, nine to six.", latency_ms: 800 }];
    expect(checkExpectations(s, call({ turns }), facts())).toEqual([]);
  });

  it('fails reply patterns case-insensitively, both ways', () => {
    const s = scenario({ turns: [{ say: 'x', expect_reply: ['hubspot'], expect_reply_not: ['\\bsorry\\b'] }] });
    const turns = [...call().turns, { caller: 'x', agent: 'Sorry, we integrate with Salesforce.', latency_ms: 1 }];
    expect(checkExpectations(s, call({ turns }), null)).toEqual([
      'turn 1 reply does not match /hubspot/: "Sorry, we integrate with Salesforce."',
      'turn 1 reply matches forbidden /\\bsorry\\b/: "Sorry, we integrate with Salesforce."',
    ]);
  });

  it('fails turns with expectations that were never played, not the others', () => {
    const s = scenario({ turns: [{ say: 'a' }, { say: 'b', expect_reply: ['x'] }, { silence: true }] });
    const turns = [...call().turns, { caller: 'a', agent: 'Connecting you.', latency_ms: 1 }];
    expect(checkExpectations(s, call({ turns, ended: 'transfer' }), null)).toEqual(['turn 2 was not played (the call had ended): its expectations fail']);
  });

  it('checks how the call ended, what it dialled, and the greeting', () => {
    const s = scenario({ expect: { ended: 'transfer', transfer_to: '+15550100001', greeting: ['dana'] } });
    expect(checkExpectations(s, call({ ended: 'agent_hangup', dialed: '+15550100002' }), null)).toEqual([
      'greeting does not match /dana/: "Hi Elena, thanks for calling Legacy AI."',
      'ended: expected transfer, got agent_hangup',
      'transfer_to: expected +15550100001, dialled +15550100002',
    ]);
  });

  it('reports an application error and a failed status callback', () => {
    expect(checkExpectations(scenario({}), call({ ended: 'error', error: 'HTTP 500 from POST /x', statusCallback: { status: 500 } }), null)).toEqual([
      'application error: HTTP 500 from POST /x',
      'status callback answered HTTP 500',
    ]);
  });

  it('compares customer fields trimmed and case-insensitively, emails lower-cased but exact', () => {
    const s = scenario({ expect: { customer: { name: 'DANA WHITFIELD', company: 'orchard dental ', email: 'dana@orcharddental.co', need: 'receptionist' } } });
    expect(checkExpectations(s, call(), facts())).toEqual([
      'customer.email: expected "dana@orcharddental.co", got "dana@orcharddental.com"',
      'customer.need: expected "receptionist", got nothing',
    ]);
    expect(checkExpectations(s, call(), facts({ customer: null }))).toEqual(['customer: no customers row for the caller']);
  });

  it('finds a future task of the type at the local time', () => {
    const s = scenario({ expect: { scheduled_task: { task_type: 'callback', local_time: '14:00' } } });
    expect(checkExpectations(s, call(), facts({ tasks: [{ task_type: 'callback', local_time: '14:00', in_future: true }] }))).toEqual([]);
    expect(checkExpectations(s, call(), facts({ tasks: [{ task_type: 'callback', local_time: '14:00', in_future: false }, { task_type: 'message', local_time: '09:12', in_future: true }] }))).toEqual([
      'scheduled_task: expected a future callback at 14:00, created during the call: callback at 14:00 (past), message at 09:12',
    ]);
  });

  it('checks escalation and the message count against the database', () => {
    const s = scenario({ expect: { escalated: true, messages_min: 6 } });
    expect(checkExpectations(s, call(), facts())).toEqual(['escalated: expected true, got false', 'messages_min: expected at least 6, got 4']);
    expect(checkExpectations(s, call(), facts({ conversation: null, messages: 0 }))).toEqual(['escalated: no conversation row for this call', 'messages_min: expected at least 6, got 0']);
    expect(checkExpectations(s, call(), null)).toEqual(['database facts could not be read']);
  });
});

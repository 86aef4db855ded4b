import { assert, assertEquals, assertRejects } from '../../testing/assert.ts';
import { needsDb, testSql } from '../../testing/harness.ts';
import { readJobsConfig } from '../config.ts';
import { isRetryable, Snooze } from '../errors.ts';
import { fakeJob, insertClosedCall, randomPhone, testJobDeps } from '../test_support.ts';
import { crmSync } from './handler.ts';
import { signatureHeader, verifySignature } from './sign.ts';

const SECRET = 'whsec_test_secret';

Deno.test('the signature is HMAC-SHA256 over timestamp and body, checked in constant time with a tolerance', async () => {
  const at = new Date(1795618800 * 1000);
  const header = await signatureHeader(SECRET, '{"a":1}', at);
  // The same HMAC as `printf '%s' '1795618800.{"a":1}' | openssl dgst -sha256 -hmac whsec_test_secret`.
  assertEquals(header, 't=1795618800,v1=4483ab90f16a47d31a6cb39c13d45d75a5884213b173ff5a4fe49800e43060ec');
  assert(await verifySignature(SECRET, '{"a":1}', header, at));
  assert(!(await verifySignature(SECRET, '{"a":2}', header, at)), 'another body');
  assert(!(await verifySignature('other', '{"a":1}', header, at)), 'another secret');
  assert(
    !(await verifySignature(SECRET, '{"a":1}', header, new Date(at.getTime() + 301_000))),
    'a replay later',
  );
  assert(!(await verifySignature(SECRET, '{"a":1}', null, at)));
});

Deno.test({
  name: 'crm_sync job',
  ...needsDb,
  fn: async (t) => {
    const sql = testSql();
    const received: { headers: Headers; body: string }[] = [];
    const answers: number[] = [];
    const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => {} }, async (req) => {
      received.push({ headers: req.headers, body: await req.text() });
      return new Response('ok', { status: answers.shift() ?? 200 });
    });
    const config = readJobsConfig({
      CRM_WEBHOOK_URL: `http://127.0.0.1:${server.addr.port}/hook`,
      CRM_WEBHOOK_SECRET: SECRET,
    }, 'https://voice.example.test/functions/v1');
    const { deps } = testJobDeps({ config });

    const call = await insertClosedCall(sql, {
      outcome: 'lead_captured',
      customer: { name: 'Dana Whitfield', company: 'Orchard Dental', email: 'dana@orcharddental.com' },
    });
    await sql`update conversations set summary = 'Wants a demo.' where id = ${call.conversationId}`;

    await t.step('a lead and its call go to the CRM as a signed JSON POST', async () => {
      const job = fakeJob('crm_sync', {
        event: 'call.analysed',
        customer_id: call.customerId,
        conversation_id: call.conversationId,
      });
      assertEquals(await crmSync(job, deps), { delivered: true, status: 200 });
      const { headers, body } = received.at(-1)!;
      assert(
        await verifySignature(SECRET, body, headers.get('x-legacyai-signature'), new Date()),
        'the receiver can verify it',
      );
      assertEquals([
        headers.get('content-type'),
        headers.get('x-legacyai-event'),
        headers.get('x-legacyai-delivery'),
      ], ['application/json', 'call.analysed', job.dedupe_key]);
      const payload = JSON.parse(body);
      assertEquals([
        payload.event,
        payload.lead.name,
        payload.lead.email,
        payload.lead.phone,
        payload.call.summary,
        payload.call.outcome,
      ], [
        'call.analysed',
        'Dana Whitfield',
        'dana@orcharddental.com',
        call.phone,
        'Wants a demo.',
        'lead_captured',
      ]);
    });

    await t.step('5xx, 429 and a dead host are retried; another 4xx is dead at once', async () => {
      const job = fakeJob('crm_sync', { event: 'lead.captured', customer_id: call.customerId });
      answers.push(503);
      assertEquals(isRetryable(await assertRejects(() => crmSync(job, deps), /answered 503/)), true);
      answers.push(429);
      assertEquals(isRetryable(await assertRejects(() => crmSync(job, deps), /answered 429/)), true);
      answers.push(422);
      assertEquals(
        isRetryable(await assertRejects(() => crmSync(job, deps), /refused the payload \(422\)/)),
        false,
      );
      const gone = readJobsConfig(
        { CRM_WEBHOOK_URL: 'http://127.0.0.1:9/hook', CRM_WEBHOOK_SECRET: SECRET },
        'https://x.test',
      );
      assertEquals(
        isRetryable(await assertRejects(() => crmSync(job, { ...deps, config: gone }), /unreachable/)),
        true,
      );
      const deliveries = received.slice(-3).map((r) => r.headers.get('x-legacyai-delivery'));
      assertEquals(new Set(deliveries).size, 1, 'every retry carries the same delivery id');
    });

    await t.step('a lead still on the call waits for its end', async () => {
      const phone = randomPhone();
      const [r] = await sql`select public.start_call(${`CA${
        crypto.randomUUID().replaceAll('-', '')
      }`}, ${phone}, '+15550100000') as r`;
      const result = await crmSync(
        fakeJob('crm_sync', { event: 'lead.captured', customer_id: r.r.customer.id }),
        deps,
      );
      assert(result instanceof Snooze);
    });

    await t.step('without a CRM configured, or with the event turned off, nothing is sent', async () => {
      const before = received.length;
      const { deps: bare } = testJobDeps();
      const job = fakeJob('crm_sync', { event: 'lead.captured', customer_id: call.customerId });
      assertEquals(await crmSync(job, bare), { skipped: 'CRM webhook not configured' });
      await sql`update automation_settings set crm_events = '{call.analysed}'`;
      try {
        assertEquals(await crmSync(job, deps), { skipped: 'event not enabled' });
      } finally {
        await sql`update automation_settings set crm_events = '{lead.captured,call.analysed}'`;
      }
      assertEquals(received.length, before);
      await assertRejects(
        () => crmSync(fakeJob('crm_sync', { event: 'lead.deleted' }), deps),
        /unknown CRM event/,
      );
      await bare.sql.end();
    });

    await server.shutdown();
    await deps.sql.end();
    await sql.end();
  },
});

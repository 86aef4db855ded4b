import { assertEquals } from '../testing/assert.ts';
import { errorFields } from './log.ts';

function pgError(code: string, message: string): Error {
  return Object.assign(new Error(message), { name: 'PostgresError', code });
}

Deno.test('errors from our SQL functions keep their fixed message', () => {
  assertEquals(errorFields(pgError('P0002', 'unknown call')),
    { error: 'PostgresError', sqlstate: 'P0002', detail: 'unknown call' });
});

Deno.test("Postgres's own messages, which can quote a value, keep only the SQLSTATE", () => {
  assertEquals(errorFields(pgError('22P02', 'invalid input syntax for type uuid: "dana@example.com"')),
    { error: 'PostgresError', sqlstate: '22P02', detail: undefined });
});

Deno.test('other errors keep a bounded message; non-errors say so', () => {
  assertEquals(errorFields(new TypeError('x'.repeat(400))).detail, 'x'.repeat(300));
  assertEquals(errorFields('boom'), { error: 'non-error thrown' });
});

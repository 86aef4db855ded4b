/**
 * GET /health, public: up (200) or down (503), nothing more. Versions, migrations and error
 * details would tell an attacker what to try; they go to the log only.
 */
import type { HandlerFactory } from '../_shared/runtime/runtime.ts';
import { errorFields } from '../_shared/runtime/log.ts';

const headers = { 'cache-control': 'no-store' };

export const createHandler: HandlerFactory = (rt) => async () => {
  try {
    await rt.sql`select 1`;
    return Response.json({ status: 'up' }, { headers });
  } catch (err) {
    rt.log.warn('health check failed', errorFields(err));
    return Response.json({ status: 'down' }, { status: 503, headers });
  }
};

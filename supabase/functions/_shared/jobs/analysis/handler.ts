/**
 * The `analyse_call` job: a closed call gets its summary, sentiment, lead score, outcome and the
 * lead fields found in it, by the configured providers in order and the local analyser last;
 * stored on the call and its customer in one SQL call. Then the call's summary notification and
 * CRM sync are queued. A call analysed before is not analysed again (a retried job only makes
 * sure its follow-ups are queued).
 */
import type { JobHandler } from '../context.ts';
import { PermanentJobError } from '../errors.ts';
import { LlmError } from '../../brain/llm/errors.ts';
import { analyseLocally } from './local.ts';
import { analyseWithModel } from './llm.ts';
import { type CallAnalysis, type CallRecord, loadCall } from './record.ts';
import { ANALYSIS_PROMPT_VERSION } from './prompts.ts';
import type { JobDeps } from '../context.ts';
import { withinBudget } from '../../budget/budget.ts';

const MODEL_TIMEOUT_MS = 30_000;

/** Each configured model in turn, then the local analyser, which always answers. */
export async function analyseCall(r: CallRecord, deps: JobDeps): Promise<CallAnalysis> {
  const failures: string[] = [];
  const models = r.config ? deps.analysisModels(await withinBudget(deps.budget, r.config)) : [];
  for (const model of models) {
    try {
      return { ...(await analyseWithModel(model, r, MODEL_TIMEOUT_MS)), failures };
    } catch (err) {
      // LlmError messages hold the provider, kind and status only; anything else is named only.
      failures.push(
        err instanceof LlmError ? err.message : `${model.provider}: ${(err as Error)?.name ?? 'error'}`,
      );
    }
  }
  if (failures.length) {
    deps.log.warn('call analysed offline after provider failures', { failures: failures.join('; ') });
  }
  return { ...analyseLocally(r), failures };
}

export const analyseCallJob: JobHandler = async (job, deps) => {
  const id = String(job.payload.conversation_id ?? '');
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new PermanentJobError('payload has no conversation_id');
  const record = await loadCall(deps.sql, id);
  let provider = 'previous run';
  if (!record.analysedAt) {
    const analysis = await analyseCall(record, deps);
    provider = analysis.provider;
    await deps.sql`select public.store_call_analysis(${id}::uuid,
      ${deps.sql.json({ ...analysis, version: ANALYSIS_PROMPT_VERSION } as never)})`;
  }
  await deps.queue.enqueue('notify', { kind: 'call_summary', conversation_id: id }, {
    dedupeKey: `notify:call_summary:${id}`,
  });
  if (record.customerId) {
    await deps.queue.enqueue('crm_sync', {
      event: 'call.analysed',
      conversation_id: id,
      customer_id: record.customerId,
    }, { dedupeKey: `crm_sync:call.analysed:${id}`, maxAttempts: 8, backoffSeconds: 30 });
  }
  return { analysed_by: provider };
};

/**
 * `npm run call -- --scenario FILE|DIR [--json] [--quiet] [--profile dev|test]` plays scenarios;
 * without --scenario, a call you make yourself at the terminal.
 */
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { DialResult } from './call.ts';
import { demoCaller } from './demo.ts';
import { freshCallerNumber } from './fresh-number.ts';
import { runInteractive } from './interactive.ts';
import { formatResult, formatSummary, toScenarioJson } from './report.ts';
import { assertLocalDatabase, UnsafeDatabaseError } from './scenario-db.ts';
import { playScenarioFiles, REALTIME_CONCURRENCY, type SimMode } from './scenario.ts';
import { resolveTarget, type StackProfile } from './target.ts';
import postgres from 'postgres';
import { formatProviderSummary, PROVIDERS, type ProviderName, providerKeyProblem, providerUsage, useProvider } from './provider-run.ts';
import { repoRoot } from '../stack/config.ts';

const USAGE = `usage: npm run call -- [--scenario FILE|DIR [--json] [--quiet] [--provider openai|anthropic]] [--mode relay|gather|realtime [--concurrency N]] [--from +15555550199] [--profile dev|test] [--dial-result completed|busy|no-answer|failed]
  without --scenario you are the caller, typing what you say; without --from the call comes from a fresh
  number (a new customer); --concurrency: realtime calls played at once (default ${REALTIME_CONCURRENCY}); --from ${demoCaller().number} calls as the demo customer, ${demoCaller().name}`;
const DIAL_RESULTS = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];
const MODES = ['relay', 'gather', 'realtime'];

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        scenario: { type: 'string' }, mode: { type: 'string' }, json: { type: 'boolean' }, quiet: { type: 'boolean' }, from: { type: 'string' },
        profile: { type: 'string', default: 'dev' }, 'dial-result': { type: 'string' }, help: { type: 'boolean', short: 'h' },
        provider: { type: 'string' }, concurrency: { type: 'string' },
      },
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : error}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const problems = [
    values.profile !== 'dev' && values.profile !== 'test' ? '--profile must be dev or test' : '',
    values.from !== undefined && !/^\+[1-9][0-9]{6,14}$/.test(values.from) ? '--from must be an E.164 number' : '',
    values.mode !== undefined && !MODES.includes(values.mode) ? `--mode must be one of ${MODES.join(', ')}` : '',
    values['dial-result'] !== undefined && !DIAL_RESULTS.includes(values['dial-result']) ? `--dial-result must be one of ${DIAL_RESULTS.join(', ')}` : '',
    values.provider !== undefined && !(values.provider in PROVIDERS) ? `--provider must be one of ${Object.keys(PROVIDERS).join(', ')}` : '',
    values.provider !== undefined && values.scenario === undefined ? '--provider needs --scenario' : '',
    values.concurrency !== undefined && !/^[1-9][0-9]?$/.test(values.concurrency) ? '--concurrency must be a whole number from 1 to 99' : '',
  ].filter(Boolean);
  if (problems.length > 0) return usageError(problems.join('; '));

  const target = await resolveTarget(values.profile as StackProfile);
  if (!target.functionsUp) {
    console.error(`the ${values.profile} stack's functions are not up (npm run stack:up), or set SIM_FUNCTIONS_URL`);
    return 2;
  }
  const mode = (values.mode ?? 'config') as SimMode;
  if (mode === 'realtime' && !target.realtime) {
    console.error(`the ${values.profile} stack runs no Realtime stand-in (an OpenAI key is set in .env.local?): realtime mode needs it to be heard`);
    return 2;
  }
  if (values.scenario === undefined) {
    const from = values.from ?? freshCallerNumber();
    if (values.from === undefined) {
      const demo = demoCaller();
      console.log(`calling from ${from}, a fresh number: the agent meets a new caller ` +
        `(--from ${demo.number} calls as the demo customer, ${demo.name}; --from <number> as anyone)`);
    }
    await runInteractive(target, { from, dialResult: values['dial-result'] as DialResult | undefined, mode });
    return 0;
  }

  const found = await stat(values.scenario).catch(() => null);
  if (!found) return usageError(`no scenario file or folder at ${values.scenario}`);
  const isFolder = found.isDirectory();
  const provider = values.provider as ProviderName | undefined;
  if (provider) {
    const problem = providerKeyProblem(provider, repoRoot);
    if (problem) return usageError(problem);
  }
  // The provider chain is changed only in the local stack's own database.
  if (provider) assertLocalDatabase(target.dbUrl, [target.stackDbUrl ?? '']);
  const sql = provider ? postgres(target.dbUrl, { max: 1, onnotice: () => {} }) : null;
  const restore = provider && sql ? await useProvider(sql, provider) : null;
  let results;
  try {
    results = await playScenarioFiles(values.scenario, target, (result) => console.log(formatResult(result, values.quiet) + (values.quiet ? '' : '\n')),
      { mode, concurrency: values.concurrency === undefined ? undefined : Number(values.concurrency) });
  } finally {
    await restore?.();
  }
  if (isFolder) console.log(formatSummary(results));
  if (provider && sql) {
    const usage = await providerUsage(sql, results.flatMap((r) => (r.conversation_id ? [r.conversation_id] : [])), provider);
    console.log(formatProviderSummary(provider, results.filter((r) => r.passed).length, results.length, usage));
    await sql.end();
  }
  if (values.json) console.log(JSON.stringify(isFolder ? results.map(toScenarioJson) : toScenarioJson(results[0]!)));
  return results.every((result) => result.passed) ? 0 : 1;
}

function usageError(message: string): number {
  console.error(`${message}\n${USAGE}`);
  return 2;
}

main().then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    console.error(error instanceof UnsafeDatabaseError ? error.message : error instanceof Error ? error.stack ?? error.message : String(error));
    process.exitCode = 2;
  },
);

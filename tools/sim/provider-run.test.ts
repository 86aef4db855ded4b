import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProviderSummary, providerKeyProblem } from './provider-run.ts';

describe('--provider', () => {
  it('needs the provider key where the functions read it, and says which variable is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'provider-'));
    expect(providerKeyProblem('openai', dir, {})).toMatch(/OPENAI_API_KEY.*\.env\.local/);
    expect(providerKeyProblem('openai', dir, { OPENAI_API_KEY: 'sk-test' })).toBeNull();
    writeFileSync(join(dir, '.env.local'), 'ANTHROPIC_API_KEY=\nOPENAI_API_KEY=sk-local\n');
    expect(providerKeyProblem('openai', dir, {})).toBeNull();
    expect(providerKeyProblem('anthropic', dir, {})).toMatch(/ANTHROPIC_API_KEY/);
  });

  it('prints the pass rate, the turns the provider answered itself and the cost', () => {
    expect(formatProviderSummary('anthropic', 37, 40, { costUsd: 0.08414, turns: 215, byProvider: 212 }))
      .toBe('anthropic: 37/40 scenarios passed (92.5%), 212/215 turns answered by anthropic, cost $0.0841');
  });
});

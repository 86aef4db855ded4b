/**
 * The Realtime session for a call, built from the agent config: instructions (the configured
 * prompt, the phone rules, the business's hours and whether it is open, the caller's first name
 * for a returning caller, the knowledge base's topics), voice, language, G.711 mu-law both ways,
 * server VAD with an idle timeout (the gather mode's silence), input transcription, and the same
 * tools as every other brain (with the meeting step as one more: realtime/meeting_tool.ts).
 */
import type { AgentConfig, Customer, Tool } from '../../brain/types.ts';
import { PHONE_RULES } from '../../brain/llm/prompts.ts';
import { describeHours } from '../../brain/hours.ts';

/** Said after `</Connect>`-style greetings: the model must speak the configured greeting verbatim. */
export const greetingInstruction = (greeting: string) =>
  `Greet the caller with exactly these words and nothing else: ${greeting}`;

/** A function the Realtime model may call: a registry tool's schema, or the meeting step's. */
export type FunctionSchema = { name: string; description: string; parameters: Tool['parameters'] };

export interface RealtimeSettings {
  model: string;
  voice: string;
  transcriptionModel: string;
}

function setting(agent: AgentConfig, key: string): string | undefined {
  const openai = (agent.provider_settings?.openai ?? {}) as Record<string, unknown>;
  const v = openai[key];
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

/** The model, voice and transcription model, from `provider_settings.openai` with defaults. */
export function realtimeSettings(agent: AgentConfig): RealtimeSettings {
  return {
    model: setting(agent, 'realtime_model') ?? 'gpt-realtime',
    voice: setting(agent, 'realtime_voice') ?? 'marin',
    transcriptionModel: setting(agent, 'transcription_model') ?? 'gpt-4o-mini-transcribe',
  };
}

export function instructionsFor(agent: AgentConfig, o: { customer: Customer | null; withinHours: boolean;
  knowledgeTopics: string[] }): string {
  const firstName = o.customer?.name?.trim().split(/\s+/)[0];
  const hours = describeHours(agent);
  return [
    agent.system_prompt,
    PHONE_RULES,
    `You answer the phone for ${agent.business_name}. Speak ${agent.language}, or the caller's language if they switch.`,
    hours ? `Business hours: ${hours} (${agent.timezone}). The business is ${o.withinHours ? 'open' : 'closed'} now.` : '',
    firstName ? `The caller is a returning customer; you may greet them as ${firstName}, and read nothing else back.` : '',
    o.knowledgeTopics.length
      ? `The knowledge base covers: ${o.knowledgeTopics.join('; ')}. Search it before answering such questions.`
      : '',
  ].filter(Boolean).join('\n\n');
}

/** The `session.update` body. */
export function sessionFor(agent: AgentConfig, tools: readonly FunctionSchema[], o: { callSid: string; instructions: string;
  idleTimeoutMs: number }) {
  const s = realtimeSettings(agent);
  return {
    type: 'realtime' as const,
    model: s.model,
    instructions: o.instructions,
    output_modalities: ['audio' as const],
    audio: {
      input: {
        format: { type: 'audio/pcmu' as const },
        transcription: { model: s.transcriptionModel, language: agent.language.slice(0, 2) },
        turn_detection: { type: 'server_vad' as const, silence_duration_ms: 500, prefix_padding_ms: 300,
          create_response: true, interrupt_response: true, idle_timeout_ms: o.idleTimeoutMs },
      },
      output: { format: { type: 'audio/pcmu' as const }, voice: s.voice },
    },
    tools: tools.map((t) => ({ type: 'function' as const, name: t.name, description: t.description,
      parameters: t.parameters })),
    tool_choice: 'auto' as const,
    // Traces grouped by call in OpenAI's dashboard (the local stand-in finds the call by it too).
    tracing: { workflow_name: 'legacyai-voice call', group_id: o.callSid },
  };
}

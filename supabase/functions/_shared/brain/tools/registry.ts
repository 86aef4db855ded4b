/** The tools every brain may call: data (name, description, JSON schema) plus a handler. */
import type { Tool } from '../types.ts';
import { captureLead } from './capture_lead.ts';
import { scheduleCallback } from './schedule_callback.ts';
import { transferToHuman } from './transfer_to_human.ts';
import { searchKnowledgeBase } from './search_knowledge_base.ts';
import { endCall } from './end_call.ts';

export const TOOLS: readonly Tool[] = Object.freeze([
  captureLead,
  scheduleCallback,
  transferToHuman,
  searchKnowledgeBase,
  endCall,
]);

const BY_NAME = new Map<string, Tool>(TOOLS.map((t) => [t.name, t]));

/** The tool with this name, or undefined for a name no tool has. */
export function toolByName(name: string): Tool | undefined {
  return BY_NAME.get(name);
}

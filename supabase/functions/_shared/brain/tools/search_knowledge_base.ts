/** search_knowledge_base: the business's own answers (prices, hours, policies), never invented ones. */
import type { Tool } from '../types.ts';

export const NO_ANSWER =
  "I don't have information about that. Offer to have someone from the team follow up.";

export const searchKnowledgeBase: Tool = {
  name: 'search_knowledge_base',
  description: "Search the business's knowledge base (services, prices, policies, integrations, data). " +
    'Use it before answering any factual question; answer only from what it returns.',
  parameters: {
    type: 'object',
    properties: { query: { type: 'string', description: "The caller's question, in a few words." } },
    required: ['query'],
    additionalProperties: false,
  },
  async handler(args, { services }) {
    const query = typeof args.query === 'string' ? args.query.trim().slice(0, 300) : '';
    if (!query) return { ok: false, result: 'Say what to search for.', actions: {} };
    const hits = await services.searchKnowledge(query, 3);
    if (!hits.length) return { ok: false, result: NO_ANSWER, actions: {} };
    return { ok: true, result: hits.map((h) => `${h.title}: ${h.body}`).join('\n'), actions: {} };
  },
};

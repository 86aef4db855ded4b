/**
 * The local stand-in for `supabase functions serve`: one Deno process serving every folder of
 * supabase/functions under /functions/v1/<name>[/...]. Each function is the same `createHandler`
 * its deployed index.ts serves; requests reach it with the path Supabase gives (`/<name>/...`).
 * Run with: deno run -A --config supabase/functions/deno.json tools/stack/functions-server.ts
 */
import type { HandlerFactory } from '../../supabase/functions/_shared/runtime/runtime.ts';
import { productionRuntime } from '../../supabase/functions/_shared/runtime/serve.ts';

const functionsDir = new URL('../../supabase/functions/', import.meta.url);
const port = Number(Deno.env.get('FUNCTIONS_PORT') ?? '54321');

async function discover(): Promise<Map<string, HandlerFactory>> {
  const found = new Map<string, HandlerFactory>();
  for await (const entry of Deno.readDir(functionsDir)) {
    if (!entry.isDirectory || entry.name.startsWith('_') || entry.name.startsWith('.')) continue;
    const handlerFile = new URL(`${entry.name}/handler.ts`, functionsDir);
    try {
      await Deno.stat(handlerFile);
    } catch {
      console.log(JSON.stringify({ level: 'warn', message: 'function folder without handler.ts skipped', function: entry.name }));
      continue;
    }
    const module = await import(new URL(`${entry.name}/handler.ts`, functionsDir).href);
    found.set(entry.name, module.createHandler as HandlerFactory);
  }
  return found;
}

const rt = productionRuntime(Deno.env.toObject());
const handlers = new Map<string, (req: Request) => Promise<Response>>();
for (const [name, factory] of await discover()) handlers.set(name, factory(rt));

/** The bench's baseline: the same server answering a static TwiML document, no database, no brain. */
const BASELINE_PATH = '/functions/v1/_baseline';
const baselineTwiml = '<?xml version="1.0" encoding="UTF-8"?><Response><Gather input="speech dtmf" ' +
  'action="/functions/v1/_baseline" method="POST"><Say>Static baseline.</Say></Gather></Response>';

async function baseline(req: Request): Promise<Response> {
  await req.arrayBuffer();
  return new Response(baselineTwiml, { headers: { 'content-type': 'text/xml; charset=utf-8' } });
}

Deno.serve({ hostname: '127.0.0.1', port, onListen: () => {
  console.log(JSON.stringify({ level: 'info', message: 'functions server listening', port, functions: [...handlers.keys()] }));
} }, (req) => {
  const url = new URL(req.url);
  if (url.pathname === BASELINE_PATH) return baseline(req);
  const match = /^\/functions\/v1\/([^/]+)(\/.*)?$/.exec(url.pathname);
  const handler = match && handlers.get(match[1]);
  if (!handler) return Response.json({ error: 'function not found' }, { status: 404 });
  // A WebSocket upgrade needs the server's own request object (a copy cannot be upgraded).
  if ((req.headers.get('upgrade') ?? '').toLowerCase() === 'websocket') return handler(req);
  const inner = new URL(`/${match[1]}${match[2] ?? ''}${url.search}`, url.origin);
  return handler(new Request(inner, req));
});

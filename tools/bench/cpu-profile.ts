/**
 * Samples the CPU of a Deno process started with --inspect and prints where its time goes: the
 * functions with the most self time, and self time per module. Run with Deno (it has a WebSocket
 * client): deno run -A tools/bench/cpu-profile.ts --inspect 127.0.0.1:9339 --seconds 20 [--out f.cpuprofile]
 * See BENCHMARKS.md for the whole procedure.
 */

/** The part of Deno's API used here (the file is also type-checked by the Node tsconfig). */
const Deno = (globalThis as unknown as { Deno: { args: string[]; writeTextFile(path: string, data: string): Promise<void> } }).Deno;

type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

function option(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1]! : fallback;
}

const inspect = option('inspect', '127.0.0.1:9229');
const seconds = Number(option('seconds', '20'));
const out = option('out', '');

const [target] = await (await fetch(`http://${inspect}/json/list`)).json() as { webSocketDebuggerUrl: string }[];
const ws = new WebSocket(target!.webSocketDebuggerUrl);
await new Promise((resolve, reject) => {
  ws.onopen = resolve;
  ws.onerror = reject;
});
let nextId = 1;
const waiting = new Map<number, (result: unknown) => void>();
ws.onmessage = (event) => {
  const msg = JSON.parse(String(event.data));
  if (msg.id && waiting.has(msg.id)) {
    waiting.get(msg.id)!(msg.result);
    waiting.delete(msg.id);
  }
};
const send = (method: string, params: Record<string, unknown> = {}) =>
  new Promise<unknown>((resolve) => {
    const id = nextId++;
    waiting.set(id, resolve);
    ws.send(JSON.stringify({ id, method, params }));
  });

await send('Profiler.enable');
await send('Profiler.setSamplingInterval', { interval: 200 });
await send('Profiler.start');
console.error(`profiling ${inspect} for ${seconds} s`);
await new Promise((r) => setTimeout(r, seconds * 1000));
const { profile } = await send('Profiler.stop') as { profile: Profile };
ws.close();
if (out) await Deno.writeTextFile(out, JSON.stringify(profile));

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const short = (url: string) => url.replace(/^.*\/(node_modules|npm\/registry\.npmjs\.org|supabase\/functions)\//, '$1/') || '(native)';

const byFunction = new Map<string, number>();
const byModule = new Map<string, number>();
for (const [id, us] of self) {
  const f = byId.get(id)!.callFrame;
  const key = `${f.functionName || '(anonymous)'}  ${short(f.url)}:${f.lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  const mod = short(f.url).replace(/^(npm\/registry\.npmjs\.org\/[^/]+(?:\/[^/]+)?)\/.*$/, '$1');
  byModule.set(mod, (byModule.get(mod) ?? 0) + us);
}
const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
console.log(`\nsampled ${(total / 1e6).toFixed(1)} s of CPU over ${seconds} s\n\nself time by function:`);
for (const [k, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`  ${pct(us)}  ${k}`);
console.log('\nself time by module:');
for (const [k, us] of [...byModule].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${pct(us)}  ${k}`);

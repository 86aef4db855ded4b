/** The meetings flow's dependencies for a functions runtime, built once from its environment. */
import type { Runtime } from '../runtime/runtime.ts';
import type { MeetingDeps } from './flow.ts';
import { readMeetingsConfig } from './config.ts';

const built = new WeakMap<Runtime, MeetingDeps>();

export function meetingDeps(rt: Runtime): MeetingDeps {
  let deps = built.get(rt);
  if (!deps) {
    const config = readMeetingsConfig(rt.config.env);
    for (const w of config.warnings) rt.log.info('meetings', { detail: w });
    deps = { sql: rt.sql, calendar: config.calendar, minutes: config.minutes };
    built.set(rt, deps);
  }
  return deps;
}

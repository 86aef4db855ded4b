/** Resident memory of the stack's processes, read from /proc (Linux). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackLayout } from '../stack/config.ts';

/** VmRSS of one process in kB, or 0 when it is gone. */
export function rssKb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function parentOf(pid: number): number | null {
  try {
    // The command name is in parentheses and may hold spaces; the fields after it are fixed.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/** A process and all its descendants. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const ppid = parentOf(pid);
    if (ppid !== null) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** CPU seconds (user + system) a process has used; 0 when it is gone. Linux ticks are 1/100 s. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds of each process of a tree, by pid. */
export function treeCpu(root: number | null): Map<number, number> {
  return new Map(root ? processTree(root).map((pid) => [pid, cpuSeconds(pid)]) : []);
}

/** CPU used between two readings; processes that ended in between are not counted, new ones wholly. */
export function cpuBetween(start: Map<number, number>, end: Map<number, number>): number {
  let sum = 0;
  for (const [pid, seconds] of end) sum += Math.max(0, seconds - (start.get(pid) ?? 0));
  return sum;
}

/**
 * Proportional set size of a process tree in MB: shared memory (Postgres's shared buffers) is
 * divided among the processes that map it, so unlike summed RSS it is not counted once per process.
 */
export function treePssMb(root: number | null): number {
  if (!root) return 0;
  let kb = 0;
  for (const pid of processTree(root)) {
    try {
      kb += Number(/^Pss:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return kb / 1024;
}

/** RSS of a process tree in MB. */
export function treeRssMb(root: number | null): number {
  if (!root) return 0;
  return processTree(root).reduce((sum, pid) => sum + rssKb(pid), 0) / 1024;
}

function readPidFile(file: string): number | null {
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]!.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

export type StackPids = { functions: number | null; postgres: number | null; worker: number | null; dashboard?: number | null };

/**
 * The functions server's, the jobs worker loop's and the dashboard's pids (from the stack's pid
 * files) and the postmaster's (from postmaster.pid).
 */
export function stackPids(layout: StackLayout): StackPids {
  return {
    functions: readPidFile(join(layout.dir, 'functions.pid')),
    postgres: readPidFile(join(layout.pgData, 'postmaster.pid')),
    worker: readPidFile(join(layout.dir, 'worker.pid')),
    dashboard: readPidFile(join(layout.dir, 'dashboard.pid')),
  };
}

/**
 * CPU seconds used by the functions server, Postgres, the jobs worker, the dashboard and this
 * process (and its children) since the meter started.
 */
export function cpuMeter(pids: StackPids) {
  const read = () => ({ functions: treeCpu(pids.functions), postgres: treeCpu(pids.postgres), worker: treeCpu(pids.worker),
    dashboard: treeCpu(pids.dashboard ?? null), bench: treeCpu(process.pid) });
  const start = read();
  return {
    stop() {
      const end = read();
      return { functions: cpuBetween(start.functions, end.functions), postgres: cpuBetween(start.postgres, end.postgres),
        worker: cpuBetween(start.worker, end.worker), dashboard: cpuBetween(start.dashboard, end.dashboard),
        bench: cpuBetween(start.bench, end.bench) };
    },
  };
}

/** Samples peak RSS of the functions server and of Postgres (all its processes) until stopped. */
export function rssSampler(pids: StackPids, everyMs = 250) {
  const peak = { functions: 0, postgres: 0, worker: 0 };
  const sample = () => {
    peak.functions = Math.max(peak.functions, treeRssMb(pids.functions));
    peak.postgres = Math.max(peak.postgres, treeRssMb(pids.postgres));
    peak.worker = Math.max(peak.worker, treeRssMb(pids.worker));
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop(): { functions: number; postgres: number; postgres_pss: number; worker: number } {
      clearInterval(timer);
      sample();
      return { functions: Math.round(peak.functions), postgres: Math.round(peak.postgres),
        postgres_pss: Math.round(treePssMb(pids.postgres)), worker: Math.round(peak.worker) };
    },
  };
}

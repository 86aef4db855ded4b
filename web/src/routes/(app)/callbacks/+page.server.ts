import { error, fail } from '@sveltejs/kit';
import { services } from '$lib/server/app';
import { asUser } from '$lib/server/db';
import { FormReader, invalid } from '$lib/server/forms';
import { requireMember } from '$lib/server/guard';
import { TASK_OUTCOMES, TASK_STATUSES, TASK_TYPES, assignTaskTo, callTaskNow, closeTask, completeTask, isFutureLocal, listTasks, rescheduleTask, taskFilters } from '$lib/server/queries/tasks';
import type { Actions, PageServerLoad } from './$types';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const load: PageServerLoad = async ({ locals, url }) => {
  const member = requireMember(locals);
  const filters = taskFilters(url.searchParams);
  const tasks = await asUser(services().sql, member.claims, (tx) => listTasks(tx, filters));
  return { filters, tasks, statuses: TASK_STATUSES, types: TASK_TYPES, outcomes: TASK_OUTCOMES, me: member.userId };
};

function taskId(form: FormReader): string {
  const id = form.raw('id');
  if (!uuid.test(id)) error(400, 'No such task.');
  return id;
}

export const actions: Actions = {
  reschedule: async ({ locals, request }) => {
    const member = requireMember(locals);
    const form = new FormReader(await request.formData());
    const id = taskId(form);
    const when = form.dateTimeLocal('when', 'New time');
    if (!form.ok) return invalid(form, { taskId: id });
    return asUser(services().sql, member.claims, async (tx) => {
      if (!(await isFutureLocal(tx, when!))) {
        form.error('when', 'Pick a time in the future.');
        return invalid(form, { taskId: id });
      }
      if (!(await rescheduleTask(tx, id, when!))) return fail(409, { taskId: id, message: 'Only pending or failed tasks can be rescheduled.' });
      return { taskId: id, done: 'Rescheduled.' };
    });
  },
  cancel: async ({ locals, request }) => close(locals, request, 'cancelled'),
  done: async ({ locals, request }) => {
    const member = requireMember(locals);
    const form = new FormReader(await request.formData());
    const id = taskId(form);
    const outcome = form.oneOf('outcome', TASK_OUTCOMES, 'Outcome');
    if (!form.ok) return invalid(form, { taskId: id });
    const ok = await asUser(services().sql, member.claims, (tx) => completeTask(tx, id, outcome!));
    if (!ok) return fail(409, { taskId: id, message: 'This task is already closed.' });
    return { taskId: id, done: `Marked done: ${outcome!.replace(/_/g, ' ')}.` };
  },
  mine: async ({ locals, request }) => {
    const member = requireMember(locals);
    const id = taskId(new FormReader(await request.formData()));
    const ok = await asUser(services().sql, member.claims, (tx) => assignTaskTo(tx, id, member.userId));
    if (!ok) return fail(409, { taskId: id, message: 'This task is already closed.' });
    return { taskId: id, done: 'Assigned to you.' };
  },
  callNow: async ({ locals, request }) => {
    const member = requireMember(locals);
    const id = taskId(new FormReader(await request.formData()));
    const ok = await asUser(services().sql, member.claims, (tx) => callTaskNow(tx, id));
    if (!ok) return fail(409, { taskId: id, message: 'Only a pending or failed callback can be called now.' });
    return { taskId: id, done: 'Calling now: the callback worker dials it within the minute.' };
  },
};

async function close(locals: App.Locals, request: Request, status: 'cancelled') {
  const member = requireMember(locals);
  const id = taskId(new FormReader(await request.formData()));
  const ok = await asUser(services().sql, member.claims, (tx) => closeTask(tx, id, status));
  if (!ok) return fail(409, { taskId: id, message: 'This task is already closed.' });
  return { taskId: id, done: 'Cancelled.' };
}

import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { addStaff, listStaff, newStaffSchema, setStaffDisabled } from '$lib/server/services/users';
import { refuse } from '$lib/server/http';

export const load: PageServerLoad = async (event) => {
	const result = await listStaff(event.locals.ctx);
	if (!result.ok) refuse(event, result);
	return { staff: result.value, me: event.locals.actor.kind === 'staff' ? event.locals.actor.userId : null };
};

/** Fields longer than the form takes, with their limits. */
type TooLong = Partial<Record<'name' | 'email' | 'password', number>>;

const toggleSchema = z.object({ userId: z.string().max(64), disabled: z.enum(['true', 'false']) });

export const actions: Actions = {
	add: async (event) => {
		const form = await event.request.formData();
		const values = { name: String(form.get('name') ?? ''), email: String(form.get('email') ?? ''), role: String(form.get('role') ?? '') };
		const parsed = newStaffSchema.safeParse({ ...values, password: String(form.get('password') ?? '') });
		// What was typed stays in the form (never the password). A field longer than the form takes says so,
		// with the limit, rather than "please enter" (issue 17).
		if (!parsed.success) {
			const issues = parsed.error.issues;
			const tooLong = Object.fromEntries(issues.flatMap((i) => (i.code === 'too_big' ? [[String(i.path[0]), Number(i.maximum)]] : [])));
			return fail(400, { add: { values, problems: issues.map((i) => String(i.path[0])), tooLong: tooLong as TooLong } });
		}
		const result = await addStaff(event.locals.ctx, parsed.data);
		if (!result.ok) {
			if (result.reason === 'email-taken') return fail(400, { add: { values, problems: ['email-taken'], tooLong: {} as TooLong } });
			refuse(event, result);
		}
		return { added: values.name };
	},
	toggle: async (event) => {
		const form = await event.request.formData();
		const parsed = toggleSchema.safeParse({ userId: form.get('userId'), disabled: form.get('disabled') });
		if (!parsed.success) return fail(400, { toggle: 'invalid' });
		const result = await setStaffDisabled(event.locals.ctx, parsed.data.userId, parsed.data.disabled === 'true');
		if (!result.ok) {
			if (result.reason === 'not-found') return fail(404, { toggle: 'invalid' });
			refuse(event, result);
		}
		return { toggled: parsed.data.userId };
	}
};

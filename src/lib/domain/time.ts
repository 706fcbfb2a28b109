// Wall-clock time in a named zone → instant, without a date library: guess with the zone's offset at
// the guess, then correct once (enough for every zone's DST rules at whole or half hours).

function offsetMs(instant: number, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit'
	}).formatToParts(new Date(instant));
	const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
	const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
	return asUtc - Math.floor(instant / 1000) * 1000;
}

export function zonedWallTimeToInstant(
	wall: { year: number; month: number; day: number; hour: number; minute: number },
	timeZone: string
): number {
	const naive = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
	let instant = naive - offsetMs(naive, timeZone);
	instant = naive - offsetMs(instant, timeZone);
	return instant;
}

/** The calendar date (year, month, day) of an instant in a zone. */
export function zonedDate(instant: number, timeZone: string): { year: number; month: number; day: number } {
	const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(
		new Date(instant)
	);
	const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
	return { year: get('year'), month: get('month'), day: get('day') };
}

import { tick } from 'svelte';

// Keyboard and screen reader, for the meeting room's lists (board, action items): a button that opens a
// form or a question in place is replaced by it, so focus goes into what replaced it (focusHere, an
// action), and back to the button it came from once that is closed (focusLater). Without it focus fell to
// the page's body and the person had to find their place again after every change.

/** Svelte action: focus this element once it is on the page. */
export function focusHere(node: HTMLElement): void {
	node.focus();
}

/** Focuses the element with this id once the page shows the change just made. */
export async function focusLater(id: string): Promise<void> {
	await tick();
	document.getElementById(id)?.focus();
}

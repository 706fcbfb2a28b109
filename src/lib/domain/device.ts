// "Chrome on an Android phone", not a raw user-agent string: what the devices page tells a person about
// where they are signed in. A few lines for the common browsers and systems (no parser library): the
// answer only has to help someone recognise their own phone or computer, and anything unknown is said so.

/** Browsers by their product names (not translated). Order matters: Edge, Samsung and Opera also say "Chrome". */
const BROWSERS: [RegExp, string][] = [
	[/\bEdg(?:e|A|iOS)?\//, 'Edge'],
	[/\bSamsungBrowser\//, 'Samsung Internet'],
	[/\bOPR\/|\bOpera\b/, 'Opera'],
	[/\bFirefox\/|\bFxiOS\//, 'Firefox'],
	[/\bCriOS\/|\bChrom(?:e|ium)\//, 'Chrome'],
	[/\bVersion\/[\d.]+.*\bSafari\//, 'Safari']
];

/** The kind of device, as a message key suffix (`sessions_device_<kind>`). */
export type DeviceKind = 'android_phone' | 'android_tablet' | 'iphone' | 'ipad' | 'windows' | 'mac' | 'chromebook' | 'linux' | 'phone' | 'other';

/**
 * What a user-agent string says in plain terms: the browser's product name (null when unknown) and the
 * kind of device. Takes the header as stored (it may be null); never returns any part of it but these.
 */
export function describeUserAgent(userAgent: string | null): { browser: string | null; device: DeviceKind } {
	const ua = userAgent ?? '';
	const browser = BROWSERS.find(([pattern]) => pattern.test(ua))?.[1] ?? null;
	return { browser, device: deviceOf(ua) };
}

function deviceOf(ua: string): DeviceKind {
	if (/\biPad\b/.test(ua)) return 'ipad';
	if (/\biPhone\b|\biPod\b/.test(ua)) return 'iphone';
	if (/\bAndroid\b/.test(ua)) return /\bMobile\b/.test(ua) ? 'android_phone' : 'android_tablet';
	if (/\bCrOS\b/.test(ua)) return 'chromebook';
	if (/\bWindows\b/.test(ua)) return 'windows';
	if (/\bMacintosh\b|\bMac OS X\b/.test(ua)) return 'mac';
	if (/\bLinux\b/.test(ua)) return 'linux';
	if (/\bMobile\b/.test(ua)) return 'phone';
	return 'other';
}

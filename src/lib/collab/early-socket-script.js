// The meeting page opens its notes' socket from a small inline script at the top of <head>, before any
// of the page's JavaScript has arrived (issue 8: on a slow phone the socket's handshake and the document's
// download then overlap the page's own downloads, instead of starting after hydration). It only opens
// the socket and keeps what arrives; doc-connection.ts adopts the socket into the y-websocket provider
// when the page hydrates (or, if the page never takes it, it is closed after 30 seconds).
//
// Plain JavaScript in a string because it is sent as it is: hooks.server.ts puts it in the page, and
// svelte.config.js allows exactly this text in the Content Security Policy by its SHA-256 hash.
// `?sv=AA` is the state vector of an empty Y.Doc: the server sends the whole document at once.

export const EARLY_SOCKET_GLOBAL = '__hearthEarlySocket';

export const EARLY_SOCKET_SCRIPT =
	'(function(){' +
	'var s=document.currentScript,d=s&&s.getAttribute("data-notes-doc");' +
	'if(!d||!window.WebSocket)return;' +
	'var w=new WebSocket((location.protocol==="https:"?"wss:":"ws:")+"//"+location.host+"/collab/"+d+"?sv=AA"),held=[];' +
	'w.binaryType="arraybuffer";' +
	'function keep(e){held.push(e)}' +
	'w.addEventListener("message",keep);' +
	'var t=setTimeout(function(){if(window.__hearthEarlySocket===o){delete window.__hearthEarlySocket;w.close()}},30000);' +
	'var o={doc:d,take:function(){clearTimeout(t);delete window.__hearthEarlySocket;w.removeEventListener("message",keep);return{socket:w,held:held}}};' +
	'window.__hearthEarlySocket=o' +
	'})()';

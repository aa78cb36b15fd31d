// Drives the official Dropbox JavaScript SDK (npm "dropbox" 10.34) against the Dropbox emulator.
// The SDK always builds https://{api,content,notify}.dropboxapi.com addresses: the fetch given to it
// rewrites them to the emulator's loopback hosts and adds node-fetch's res.buffer(), which the SDK's
// downloads call. Prints one JSON line per step; DropboxSdkFidelityTests checks them.
// Usage: node scenario.mjs <api address> <content address> <app key> <refresh token>
import { Dropbox, DropboxAuth } from 'dropbox';

const [api, content, appKey, refreshToken] = process.argv.slice(2);
const hosts = { 'content.dropboxapi.com': content, 'api.dropboxapi.com': api, 'notify.dropboxapi.com': api };
const seen = [];
const rewriting = async (url, options) => {
  const u = new URL(url);
  const base = hosts[u.host] ?? api;
  const target = new URL(u.pathname + u.search, base);
  seen.push(`${options?.method ?? 'GET'} ${u.host}${u.pathname}`);
  const res = await fetch(target, options);
  res.buffer = async () => Buffer.from(await res.arrayBuffer());
  return res;
};

const out = (step, value) => console.log(JSON.stringify({ step, ...value }));
// An expired access token: the SDK refreshes with the refresh token (parameters in the query string).
const auth = new DropboxAuth({ clientId: appKey, refreshToken, accessTokenExpiresAt: new Date(0), fetch: rewriting });
const dbx = new Dropbox({ auth, fetch: rewriting });

const up = await dbx.filesUpload({ path: '/fidelity/héllo.txt', contents: Buffer.from('hello from the SDK'), mode: { '.tag': 'overwrite' } });
out('upload', { name: up.result.name, size: up.result.size, rev: up.result.rev, content_hash: up.result.content_hash });
await dbx.filesUpload({ path: '/fidelity/second.txt', contents: Buffer.from('2') });

let page = await dbx.filesListFolder({ path: '/fidelity', limit: 1 });
const names = page.result.entries.map(e => e.name);
let pages = 1;
while (page.result.has_more) {
  page = await dbx.filesListFolderContinue({ cursor: page.result.cursor });
  names.push(...page.result.entries.map(e => e.name));
  pages++;
}
out('list', { names: names.sort(), pages });

const meta = await dbx.filesGetMetadata({ path: '/FIDELITY/HÉLLO.txt' });
out('metadata', { tag: meta.result['.tag'], path_display: meta.result.path_display, rev: meta.result.rev });

const down = await dbx.filesDownload({ path: '/fidelity/héllo.txt' });
out('download', { text: Buffer.from(down.result.fileBinary).toString('utf8'), rev: down.result.rev });

const chunk = Buffer.alloc(4 * 1024 * 1024, 7);
const start = await dbx.filesUploadSessionStart({ close: false, contents: chunk });
await dbx.filesUploadSessionAppendV2({ cursor: { session_id: start.result.session_id, offset: chunk.length }, close: false, contents: chunk });
const fin = await dbx.filesUploadSessionFinish({
  cursor: { session_id: start.result.session_id, offset: 2 * chunk.length },
  commit: { path: '/fidelity/session.bin', mode: 'add', autorename: false, mute: true },
  contents: Buffer.from('tail'),
});
out('session', { size: fin.result.size, content_hash: fin.result.content_hash });

try {
  await dbx.filesUploadSessionAppendV2({ cursor: { session_id: start.result.session_id, offset: 1 }, close: false, contents: chunk });
  out('stale-session', { ok: true });
} catch (e) {
  out('stale-session', { status: e.status, tag: e.error?.error?.['.tag'] });
}

const del = await dbx.filesDeleteV2({ path: '/fidelity/second.txt' });
out('delete', { name: del.result.metadata.name });

try {
  await dbx.filesGetMetadata({ path: '/fidelity/second.txt' });
  out('not_found', { ok: true });
} catch (e) {
  out('not_found', { status: e.status, tag: e.error?.error?.['.tag'], inner: e.error?.error?.path?.['.tag'] });
}

try {
  await dbx.usersGetSpaceUsage();
  out('rate_limited', { ok: true });
} catch (e) {
  out('rate_limited', { status: e.status, retry_after: e.error?.error?.retry_after, reason: e.error?.error?.reason?.['.tag'] });
}

out('requests', { seen });

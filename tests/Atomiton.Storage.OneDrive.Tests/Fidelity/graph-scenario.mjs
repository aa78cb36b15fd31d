// The fidelity scenario: Microsoft's official JavaScript Graph client (@microsoft/microsoft-graph-client
// 3.0.x) against the Graph drive emulator. Usage: node graph-scenario.mjs <graphBaseUrl> <accessToken>
// (graphBaseUrl such as http://127.0.0.1:49152/v1.0). Prints one JSON line per step ({"step": ..., ...});
// exits non-zero on an unexpected failure.
import { createHash } from 'node:crypto';
import graph from '@microsoft/microsoft-graph-client';

const { Client, HTTPMessageHandler, RedirectHandler, RetryHandler, RetryHandlerOptions, ResponseType, PageIterator, OneDriveLargeFileUploadTask, FileUpload } = graph;
const [graphBaseUrl, accessToken] = process.argv.slice(2);
const apiOrigin = new URL(graphBaseUrl).origin;

/**
 * The client's own AuthenticationHandler attaches the token only to https Graph hosts, and its request
 * builder joins an absolute http address (an @odata.nextLink, an uploadUrl) onto the base URL as if it
 * were a path (it strips only "https://" addresses). This middleware undoes that join and attaches the
 * token to the API origin only: never to the download, upload-session or monitor host.
 */
class LoopbackAuthentication {
  async execute(context) {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const absolute = url.indexOf('http://', 1);
    if (absolute > 0) {
      context.request = url.slice(absolute);
    }

    context.options.headers ??= {};
    if (new URL(typeof context.request === 'string' ? context.request : context.request.url).origin === apiOrigin) {
      context.options.headers.Authorization = `Bearer ${accessToken}`;
    } else {
      delete context.options.headers.Authorization;
    }

    return this.next.execute(context);
  }

  setNext(next) {
    this.next = next;
  }
}

// The official chain minus its https-only AuthenticationHandler: auth → retry (429/503/504, Retry-After) → redirect (302s, drops Authorization across hosts) → fetch.
const authentication = new LoopbackAuthentication();
const retry = new RetryHandler(new RetryHandlerOptions());
const redirect = new RedirectHandler();
authentication.setNext(retry);
retry.setNext(redirect);
redirect.setNext(new HTTPMessageHandler());
const client = Client.initWithMiddleware({ middleware: authentication, baseUrl: apiOrigin, defaultVersion: 'v1.0' });

const report = (step, values) => console.log(JSON.stringify({ step, ...values }));
const itemPath = (path) => `/me/drive/special/approot:/${path.split('/').map(encodeURIComponent).join('/')}:`;
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex').toUpperCase();
const failure = (e) => ({ status: e.statusCode, code: e.code, requestId: e.requestId ?? null, message: e.message, retryAfter: e.headers?.get?.('retry-after') ?? null });

const drive = await client.api('/me/drive').get();
report('drive', { id: drive.id, driveType: drive.driveType, quotaTotal: drive.quota.total });

for (const name of ['a.txt', 'b #2.txt', 'c.txt']) {
  const response = await client.api(`${itemPath(`fidelity/${name}`)}/content`)
    .header('Content-Type', 'text/plain')
    .responseType(ResponseType.RAW)
    .put(Buffer.from(`content of ${name}`));
  const item = await response.json();
  report('put', { status: response.status, name: item.name, size: item.size, quickXorHash: item.file.hashes.quickXorHash, parentPath: item.parentReference.path });
}

const large = new Uint8Array(1024 * 1024 + 1000);
for (let i = 0; i < large.length; i++) {
  large[i] = (i * 31 + 7) % 251;
}

const fragments = [];
const task = await OneDriveLargeFileUploadTask.createTaskWithFileObject(client, new FileUpload(large.buffer, 'large.bin', large.length), {
  fileName: 'large.bin',
  rangeSize: 320 * 1024,
  conflictBehavior: 'replace',
  uploadSessionURL: `${itemPath('fidelity/large.bin')}/createUploadSession`,
  uploadEventHandlers: { progress: (range) => fragments.push([range.minValue, range.maxValue]) },
});
const session = task.getUploadSession();
const uploaded = await task.upload();
report('largeUpload', { uploadHost: new URL(session.url).host, fragments, name: uploaded.responseBody.name, size: uploaded.responseBody.size, sha256: uploaded.responseBody.file.hashes.sha256Hash, expected: sha256(large) });

const names = [];
let pages = 0;
let page = await client.api(`${itemPath('fidelity')}/children`).top(2).get();
for (;;) {
  pages++;
  names.push(...page.value.map(item => item.name));
  if (!page['@odata.nextLink']) {
    break;
  }

  page = await client.api(page['@odata.nextLink']).get();
}
report('list', { pages, names });

const got = await client.api(itemPath('fidelity/a.txt')).get();
report('get', { name: got.name, size: got.size, keys: Object.keys(got).sort(), downloadHost: new URL(got['@microsoft.graph.downloadUrl']).host });

const ranged = await client.api(`${itemPath('fidelity/a.txt')}/content`).header('Range', 'bytes=0-6').responseType(ResponseType.RAW).get();
report('range', { status: ranged.status, body: await ranged.text(), contentRange: ranged.headers.get('content-range'), host: new URL(ranged.url).host });

const whole = await client.api(`${itemPath('fidelity/large.bin')}/content`).responseType(ResponseType.ARRAYBUFFER).get();
report('download', { size: whole.byteLength, sha256: sha256(new Uint8Array(whole)) });

const seen = [];
const first = await client.api('/me/drive/special/approot/delta').top(2).get();
const iterator = new PageIterator(client, first, (item) => {
  seen.push(item.name);
  return true;
});
await iterator.iterate();
const deltaLink = iterator.getDeltaLink();
report('delta', { names: seen, hasDeltaLink: typeof deltaLink === 'string' });

await client.api(`${itemPath('fidelity/a.txt')}/content`).header('Content-Type', 'text/plain').put(Buffer.from('changed by node'));
const deleted = await client.api(itemPath('fidelity/c.txt')).responseType(ResponseType.RAW).delete();
report('delete', { status: deleted.status });

// The continuation is paged as well: the delta link keeps the $top of the first request.
const changes = [];
const continuation = new PageIterator(client, await client.api(deltaLink).get(), (item) => {
  changes.push(item);
  return true;
});
await continuation.iterate();
report('deltaContinued', {
  changed: changes.filter(item => !item.deleted && item.file).map(item => item.name).sort(),
  deleted: changes.filter(item => item.deleted).map(item => item.name).sort(),
  hasDeltaLink: typeof continuation.getDeltaLink() === 'string',
});

try {
  await client.api(itemPath('fidelity/c.txt')).get();
  report('notFound', { status: 200 });
} catch (e) {
  report('notFound', failure(e));
}

const started = Date.now();
const retried = await client.api(itemPath('fidelity/b #2.txt')).get();
report('throttledThenServed', { name: retried.name, waitedMs: Date.now() - started });

try {
  await client.api(itemPath('fidelity/throttled.txt')).middlewareOptions([new RetryHandlerOptions(0, 0)]).get();
  report('throttled', { status: 200 });
} catch (e) {
  report('throttled', failure(e));
}

// The fidelity scenario: Google's official Node client (@googleapis/drive) against the Drive v3
// emulator. Usage: node drive-scenario.mjs <rootUrl> <tokenUrl> <clientId> <clientSecret> <refreshToken>
// Prints one JSON line per step ({"step": ..., ...}); exits non-zero on an unexpected failure.
import { drive, auth } from '@googleapis/drive';

const [rootUrl, tokenUrl, clientId, clientSecret, refreshToken] = process.argv.slice(2);
const client = new auth.OAuth2({ clientId, clientSecret, endpoints: { oauth2TokenUrl: tokenUrl } });
client.setCredentials({ refresh_token: refreshToken });
const d = drive({ version: 'v3', rootUrl, auth: client });
// The constructor's rootUrl does not reach media calls: pass it per call too.
const media = { rootUrl };
const report = (step, values) => console.log(JSON.stringify({ step, ...values }));
// gaxios 7 gives fetch Headers; older versions a plain object.
const header = (response, name) => typeof response.headers.get === 'function' ? response.headers.get(name) : response.headers[name];
const reasonOf = (e) => e.errors?.[0]?.reason ?? e.response?.data?.error?.errors?.[0]?.reason;

const ids = [];
for (const name of ['fidelity-a.txt', 'fidelity-b.txt', 'fidelity-c.txt']) {
  const created = await d.files.create({
    requestBody: { name, parents: ['appDataFolder'], appProperties: { origin: 'node' } },
    media: { mimeType: 'text/plain', body: `content of ${name}` },
    fields: 'id,name,size,md5Checksum,mimeType',
  }, media);
  ids.push(created.data.id);
  report('create', { status: created.status, name: created.data.name, size: created.data.size, md5: created.data.md5Checksum, mimeType: created.data.mimeType });
}

const names = [];
let pageToken;
let pages = 0;
do {
  const page = await d.files.list({
    spaces: 'appDataFolder',
    q: "'appDataFolder' in parents and trashed = false and name contains 'fidelity'",
    pageSize: 2,
    pageToken,
    orderBy: 'name',
    fields: 'nextPageToken, files(id, name)',
  });
  pages++;
  names.push(...page.data.files.map(f => f.name));
  pageToken = page.data.nextPageToken;
} while (pageToken);
report('list', { pages, names });

const meta = await d.files.get({ fileId: ids[0], fields: 'id,name,size,sha256Checksum,appProperties,parents' });
report('get', { status: meta.status, keys: Object.keys(meta.data).sort(), name: meta.data.name, size: meta.data.size, sha256: meta.data.sha256Checksum, origin: meta.data.appProperties.origin });

const ranged = await d.files.get({ fileId: ids[0], alt: 'media' }, { responseType: 'text', headers: { Range: 'bytes=0-6' } });
report('range', { status: ranged.status, body: ranged.data, contentRange: header(ranged, 'content-range') });

const updated = await d.files.update({ fileId: ids[1], media: { mimeType: 'text/plain', body: 'updated by node' }, fields: 'id,size,version' }, media);
const whole = await d.files.get({ fileId: ids[1], alt: 'media' }, { responseType: 'text' });
report('update', { status: updated.status, size: updated.data.size, body: whole.data });

const deleted = await d.files.delete({ fileId: ids[2] });
report('delete', { status: deleted.status });

try {
  await d.files.get({ fileId: ids[2], fields: 'id' });
  report('notFound', { status: 200 });
} catch (e) {
  report('notFound', { status: e.code ?? e.status, reason: reasonOf(e) });
}

try {
  await d.files.get({ fileId: 'throttled-file', fields: 'id' }, { retry: false });
  report('throttled', { status: 200 });
} catch (e) {
  report('throttled', { status: e.code ?? e.status, reason: reasonOf(e) });
}

const about = await d.about.get({ fields: 'user(emailAddress),storageQuota(limit,usage)' });
const start = await d.changes.getStartPageToken({});
report('about', { email: about.data.user.emailAddress, usage: about.data.storageQuota.usage, startPageToken: start.data.startPageToken });

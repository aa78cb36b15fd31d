// Atomiton Storage in the browser: the JavaScript half of the `indexeddb` and `localstorage` engines.
// The .NET engines (IndexedDbEngine, LocalStorageEngine) call these functions through IJSRuntime.
//
// Contract with .NET: every function called through IJSRuntime resolves to { v: value } or { e: errorName, m: message };
// it never rejects for a storage reason, so .NET maps error *names* (QuotaExceededError, Conflict,
// NotFound, VersionError, Blocked, IndexedDbUnavailable, …) and never parses exception text.
// Content moves in chunks: a small save travels in its commit call; a larger one arrives in appendUpload calls
// (uploadPart in WebAssembly) kept as Blob parts, its last chunk in the commit call, which stores them in one
// transaction; loads return small content inline and larger content as a JS stream reference over a Blob.
// In Blazor Server with the HTTP transport (Atomiton.Storage.Plugins.Browser.Server), large content skips the
// circuit: a save's content is fetched from a one-time address into an upload (fetchUpload), and a load's content
// is posted to one (the open functions' `postTo`; transferOutcome answers how that request ended).
// In WebAssembly the indexeddb engine's save and load go through [JSImport] forms instead (uploadPart,
// idbSaveImported, idbOpenImported, readerRead): the same work, without JSON, content copied straight
// between .NET's memory and JS.

const uploads = new Map(); // upload id -> array of Blob parts
const handles = new Map(); // handle id -> { db, name, channel, waiters }
let nextId = 1;

const ok = v => ({ v });
const fail = (e, m) => ({ e, m });

function describe(error) {
  if (error && typeof error === 'object' && 'name' in error) {
    return fail(String(error.name), String(error.message ?? error.name));
  }
  return fail('Error', String(error));
}

// Calls and time spent in this module per function, for the benchmark (docs/benchmarks.md): counted only
// while `profile.on` (interopProfile(true)), so the engines pay one comparison otherwise.
const profile = { on: false, calls: {}, ms: {} };

async function guard(body, name) {
  const started = profile.on && name ? performance.now() : 0;
  try {
    return await body();
  } catch (error) {
    return describe(error);
  } finally {
    if (started) {
      profile.calls[name] = (profile.calls[name] ?? 0) + 1;
      profile.ms[name] = (profile.ms[name] ?? 0) + performance.now() - started;
    }
  }
}

function counted(name) {
  if (profile.on) profile.calls[name] = (profile.calls[name] ?? 0) + 1;
}

// Starts (on) or stops counting, and answers the counts since the last call: { calls: { name: n }, ms: { name: ms } }.
export function interopProfile(on) {
  const answer = { calls: profile.calls, ms: profile.ms };
  profile.on = on;
  profile.calls = {};
  profile.ms = {};
  return answer;
}

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new DOMException('The transaction was aborted.', 'AbortError'));
  });
}

function maxTicks(now, previous) {
  return previous !== undefined && BigInt(previous) > BigInt(now) ? previous : now;
}

function newETag() {
  return crypto.randomUUID().replaceAll('-', '');
}

function publicItem(record) {
  return { k: record.k, z: record.z, c: record.c, u: record.u, t: record.t, ct: record.ct ?? null, m: record.m ?? {} };
}

const encoder = new TextEncoder();

// Blazor Server caps a browser-to-server message at 32 KB: pages of listings and changes stop at a byte budget.
function sizeOf(entry) {
  return encoder.encode(JSON.stringify(entry)).length;
}

function conditionFails(condition, etag, current) {
  if (condition === 1) return current !== undefined;          // IfNotExists
  if (condition === 2) return current === undefined || current.t !== etag; // IfMatch
  return false;
}

// ---- uploads (shared by both engines) ----

// .NET sends a large save in chunks (in Blazor Server, server-to-browser messages have no 32 KB cap, while a
// DotNetStreamReference would be pulled in 32 KB messages). The first chunk opens the upload (upload 0) and the
// answer names it; the last chunk travels in the commit call itself, so a save of two chunks is two calls.
export function appendUpload(upload, bytes) {
  counted('appendUpload');
  if (upload === 0) {
    upload = nextId++;
    uploads.set(upload, []);
  }
  const parts = uploads.get(upload);
  if (!parts) return fail('UnknownUpload', `Upload ${upload} is not open.`);
  parts.push(new Blob([bytes]));
  return ok(upload);
}

// The HTTP transport: fetches a save's content from the one-time address .NET offered (relative to the page's base
// address) into a new upload, answered once the whole body has arrived. A response cut short fails the fetch, so a
// part is never taken for the whole.
export function fetchUpload(address) {
  return guard(async () => {
    let blob;
    try {
      const response = await fetch(new URL(address, document.baseURI), { cache: 'no-store', credentials: 'same-origin' });
      if (!response.ok) return fail('TransferFailed', `the transfer address answered HTTP ${response.status}`);
      blob = await response.blob();
    } catch (error) {
      return fail('TransferFailed', `the transfer failed: ${error?.message ?? error}`);
    }
    const upload = nextId++;
    uploads.set(upload, [blob]);
    return ok(upload);
  }, 'fetchUpload');
}

const posts = new Map(); // ticket -> promise of how a post to the HTTP transport ended

// Posts a load's content to the one-time address .NET expects it at. Answered at once (the request lasts until
// .NET has read the body, which it does after this answer); transferOutcome(ticket) answers how it ended.
function postContent(blob, address) {
  const ticket = nextId++;
  posts.set(ticket, fetch(new URL(address, document.baseURI), {
    method: 'POST', body: blob, cache: 'no-store', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/octet-stream' },
  }).then(
    response => (response.ok ? ok(true) : fail('TransferFailed', `the transfer address answered HTTP ${response.status}`)),
    error => fail('TransferFailed', `the transfer failed: ${error?.message ?? error}`)));
  // .NET asks for the outcome right after this answer; if it never does (its load was cancelled), forget it later.
  posts.get(ticket).then(() => setTimeout(() => posts.delete(ticket), 60000));
  return { posted: ticket, length: blob.size };
}

export async function transferOutcome(ticket) {
  const outcome = posts.get(ticket);
  posts.delete(ticket);
  return outcome ? await outcome : ok(true);
}

export function abortUpload(upload) {
  uploads.delete(upload);
  return ok(true);
}

// A save's content: the upload's parts (if any) followed by the inline bytes (if any). Content of at most
// RECORD_INLINE_MAX bytes saved inline is kept as bytes (`bytes`), to be stored in the object's record itself.
function takeContent(upload, inline) {
  const hasInline = inline !== null && inline !== undefined;
  if (upload === null || upload === undefined || upload === 0) {
    if (!hasInline) inline = new Uint8Array(0);
    return inline.length <= RECORD_INLINE_MAX ? { bytes: ownBytes(inline), size: inline.length } : { blob: new Blob([inline]), size: inline.length };
  }
  const parts = uploads.get(upload);
  uploads.delete(upload);
  if (!parts) throw new DOMException(`Upload ${upload} is not open.`, 'UnknownUpload');
  if (hasInline) parts.push(new Blob([inline]));
  const blob = new Blob(parts);
  return { blob, size: blob.size };
}

// Bytes that own their whole buffer (a view of a larger buffer would be stored with all of it).
function ownBytes(bytes) {
  if (!(bytes instanceof Uint8Array)) return Uint8Array.from(bytes);
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

// The requested part of an object's content (a Blob or, kept in its record, bytes): inline when it is at most
// `inlineMax` bytes, else a JS stream reference.
async function contentResult(content, range, inlineMax, large = streamReference) {
  let slice = content;
  const size = content instanceof Uint8Array ? content.length : content.size;
  if (range) {
    let start, length;
    if (range.suffix) {
      length = Math.min(range.length, size);
      start = size - length;
    } else {
      start = Math.min(range.offset, size);
      length = range.length === null || range.length === undefined ? size - start : Math.min(range.length, size - start);
    }
    slice = content.slice(start, start + length);
  }
  if (slice instanceof Uint8Array) {
    return slice.length <= inlineMax ? { inline: slice } : large(new Blob([slice]));
  }
  if (slice.size <= inlineMax) {
    return { inline: new Uint8Array(await slice.arrayBuffer()) };
  }
  return large(slice);
}

function streamReference(blob) {
  return { stream: DotNet.createJSStreamReference(blob), length: blob.size };
}

// ---- IndexedDB ----

const STORES = ['objects', 'blobs', 'journal', 'meta'];

// Content up to this size is kept in the object's record (`d`, bytes) rather than as a Blob in the blobs store
// (`b`, its id): a load is then one read, and a save writes no Blob (which Chromium stores apart from the record).
// Listings read whole records, so a page of `limit` entries reads at most `limit` × this many content bytes.
const RECORD_INLINE_MAX = 16 * 1024;

// Starts opening a database: { req } or, when the page has no usable IndexedDB, { failure } (an error answer).
function openRequest(name, version) {
  let factory;
  try {
    factory = globalThis.indexedDB;
  } catch (error) {
    return { failure: fail('IndexedDbUnavailable', `IndexedDB cannot be reached here (${error?.name ?? error}).`) };
  }
  if (!factory) {
    return { failure: fail('IndexedDbUnavailable', 'This browser (or this page, such as a private window or an embedded view) offers no IndexedDB.') };
  }
  try {
    return { req: factory.open(name, version) };
  } catch (error) {
    return { failure: fail(error?.name === 'SecurityError' ? 'IndexedDbUnavailable' : String(error?.name ?? 'Error'), String(error?.message ?? error)) };
  }
}

export function openIndexedDb(name, version, channelName) {
  return guard(() => new Promise((resolve, reject) => {
    const { req, failure } = openRequest(name, version);
    if (failure) {
      resolve(failure);
      return;
    }
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('objects')) db.createObjectStore('objects', { keyPath: 'k' });
      if (!db.objectStoreNames.contains('blobs')) db.createObjectStore('blobs');
      if (!db.objectStoreNames.contains('journal')) db.createObjectStore('journal', { keyPath: 's', autoIncrement: true });
      if (!db.objectStoreNames.contains('meta')) {
        const meta = db.createObjectStore('meta');
        meta.put(crypto.randomUUID().replaceAll('-', ''), 'epoch');
        meta.put(0, 'trimmed');
      }
    };
    req.onblocked = () => resolve(fail('Blocked', 'another connection to this database (an older version, in another tab) did not close.'));
    req.onerror = () => resolve(describe(req.error));
    req.onsuccess = () => {
      const db = req.result;
      for (const store of STORES) {
        if (!db.objectStoreNames.contains(store)) {
          db.close();
          resolve(fail('VersionError', `the database exists at version ${db.version} without the store '${store}'; it was not created by Atomiton Storage, or by an incompatible version.`));
          return;
        }
      }
      const id = nextId++;
      const handle = { db, name, closed: false, waiters: new Set(), channel: null, writes: 0 };
      db.onversionchange = () => { db.close(); handle.closed = true; };
      if (typeof BroadcastChannel !== 'undefined') {
        handle.channel = new BroadcastChannel(channelName);
        handle.channel.onmessage = () => wake(handle);
      }
      handles.set(id, handle);
      resolve(ok(id));
    };
  }));
}

function handleOf(id) {
  const handle = handles.get(id);
  if (!handle) throw new DOMException(`Database handle ${id} is closed.`, 'InvalidStateError');
  if (handle.closed) throw new DOMException(`The database '${handle.name}' was closed because another tab opened a newer version; reload this page.`, 'VersionChange');
  return handle;
}

export function closeIndexedDb(id) {
  const handle = handles.get(id);
  if (handle) {
    handles.delete(id);
    handle.db.close();
    handle.channel?.close();
    for (const waiter of handle.waiters) waiter();
  }
  return ok(true);
}

function wake(handle) {
  for (const waiter of [...handle.waiters]) waiter();
}

function announce(handle) {
  wake(handle);
  handle.channel?.postMessage('changed');
}

async function appendJournal(handle, tx, change) {
  tx.objectStore('journal').add(change);
  handle.writes++;
  if (handle.writes % 64 === 0) {
    handle.trimDue = true;
  }
}

async function trimJournal(handle, keep) {
  handle.trimDue = false;
  const tx = handle.db.transaction(['journal', 'meta'], 'readwrite');
  const journal = tx.objectStore('journal');
  const count = await request(journal.count());
  if (count > keep) {
    let remove = count - keep;
    let last = 0;
    await new Promise((resolve, reject) => {
      const req = journal.openCursor();
      req.onerror = () => reject(req.error);
      req.onsuccess = () => {
        const cursor = req.result;
        if (!cursor || remove === 0) { resolve(); return; }
        last = cursor.key;
        cursor.delete();
        remove--;
        cursor.continue();
      };
    });
    tx.objectStore('meta').put(last, 'trimmed');
  }
  await done(tx);
}

export function idbSave(id, upload, inline, key, condition, etag, contentType, metadata, now, keep) {
  return guard(() => saveObject(id, upload, inline, key, condition, etag, contentType, metadata, now, keep), 'idbSave');
}

async function saveObject(id, upload, inline, key, condition, etag, contentType, metadata, now, keep) {
  const handle = handleOf(id);
  const content = takeContent(upload, inline);
  const tx = handle.db.transaction(['objects', 'blobs', 'journal'], 'readwrite');
  const completion = done(tx);
  const objects = tx.objectStore('objects');
  const current = await request(objects.get(key));
  if (conditionFails(condition, etag, current)) {
    tx.abort();
    await completion.catch(() => {});
    return fail('Conflict', current === undefined ? 'absent' : 'present');
  }
  const record = {
    k: key, z: content.size, c: current ? current.c : now, u: maxTicks(now, current?.u), t: newETag(),
    ct: contentType ?? null, m: metadata ?? {},
  };
  if (content.bytes) {
    record.d = content.bytes;
  } else {
    record.b = crypto.randomUUID();
    tx.objectStore('blobs').put(content.blob, record.b);
  }
  if (current?.b) tx.objectStore('blobs').delete(current.b);
  objects.put(record);
  await appendJournal(handle, tx, { k: key, x: 'u', i: publicItem(record) });
  await completion;
  announce(handle);
  if (handle.trimDue) await trimJournal(handle, keep);
  return ok(publicItem(record));
}

export function idbStat(id, key) {
  return guard(async () => {
    const handle = handleOf(id);
    const record = await request(handle.db.transaction('objects', 'readonly').objectStore('objects').get(key));
    return record ? ok(publicItem(record)) : fail('NotFound', key);
  });
}

export function idbOpen(id, key, ifNoneMatch, range, inlineMax, postTo) {
  const large = postTo ? blob => postContent(blob, postTo) : streamReference;
  return guard(() => openObject(id, key, ifNoneMatch, range, inlineMax, large), 'idbOpen');
}

async function openObject(id, key, ifNoneMatch, range, inlineMax, large) {
  const handle = handleOf(id);
  const tx = handle.db.transaction(['objects', 'blobs'], 'readonly');
  const record = await request(tx.objectStore('objects').get(key));
  if (!record) return fail('NotFound', key);
  if (ifNoneMatch !== null && ifNoneMatch === record.t) return ok({ item: publicItem(record), notModified: true });
  const content = record.d ?? await request(tx.objectStore('blobs').get(record.b));
  if (!content) return fail('Integrity', `the content of '${key}' is missing from the database '${handle.name}'.`);
  return ok({ item: publicItem(record), ...(await contentResult(content, range, inlineMax, large)) });
}

export function idbDelete(id, key, ifMatch, keep) {
  return guard(async () => {
    const handle = handleOf(id);
    const tx = handle.db.transaction(['objects', 'blobs', 'journal'], 'readwrite');
    const completion = done(tx);
    const objects = tx.objectStore('objects');
    const current = await request(objects.get(key));
    if (ifMatch !== null && (current === undefined || current.t !== ifMatch)) {
      tx.abort();
      await completion.catch(() => {});
      return fail('Conflict', current === undefined ? 'absent' : 'present');
    }
    if (!current) {
      tx.abort();
      await completion.catch(() => {});
      return ok(false);
    }
    objects.delete(key);
    if (current.b) tx.objectStore('blobs').delete(current.b);
    await appendJournal(handle, tx, { k: key, x: 'd' });
    await completion;
    announce(handle);
    if (handle.trimDue) await trimJournal(handle, keep);
    return ok(true);
  });
}

export function idbTransfer(id, source, destination, move, condition, etag, now, keep) {
  return guard(async () => {
    const handle = handleOf(id);
    const tx = handle.db.transaction(['objects', 'blobs', 'journal'], 'readwrite');
    const completion = done(tx);
    const objects = tx.objectStore('objects');
    const blobs = tx.objectStore('blobs');
    const from = await request(objects.get(source));
    const to = await request(objects.get(destination));
    const refuse = async (name, message) => {
      tx.abort();
      await completion.catch(() => {});
      return fail(name, message);
    };
    if (!from) return refuse('NotFound', source);
    if (conditionFails(condition, etag, to)) return refuse('Conflict', to === undefined ? 'absent' : 'present');
    const record = {
      k: destination, z: from.z, c: to ? to.c : now, u: maxTicks(now, to?.u), t: newETag(),
      ct: from.ct ?? null, m: from.m ?? {},
    };
    if (from.d) {
      record.d = from.d;
    } else if (move) {
      record.b = from.b;
    } else {
      record.b = crypto.randomUUID();
      blobs.put(await request(blobs.get(from.b)), record.b);
    }
    if (to?.b && to.b !== record.b) blobs.delete(to.b);
    objects.put(record);
    if (move) {
      objects.delete(source);
      await appendJournal(handle, tx, { k: destination, x: 'm', p: source, i: publicItem(record) });
    } else {
      await appendJournal(handle, tx, { k: destination, x: 'u', i: publicItem(record) });
    }
    await completion;
    announce(handle);
    if (handle.trimDue) await trimJournal(handle, keep);
    return ok(publicItem(record));
  });
}

// The least string above every string that starts with `prefix` (UTF-16 code-unit order, as IndexedDB compares
// keys), or null when there is none (an empty prefix, or one of U+FFFF only).
function prefixUpperBound(prefix) {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const unit = prefix.charCodeAt(i);
    if (unit < 0xffff) return prefix.slice(0, i) + String.fromCharCode(unit + 1);
  }
  return null;
}

// One page of a listing, in the primary key's order (UTF-16 code units, which is ordinal order), from the
// prefix or after startAfter. A recursive page is one getAll (or getAllKeys) over the prefix's key range; a
// shallow one walks a cursor that jumps over each common prefix in one step. A page ends at `limit` entries
// or, when `budget` > 0, before the entry that would pass `budget` bytes (Blazor Server's 32 KB messages).
export function idbList(id, prefix, startAfter, limit, shallow, keysOnly, budget) {
  return guard(async () => {
    const handle = handleOf(id);
    const store = handle.db.transaction('objects', 'readonly').objectStore('objects');
    const exclusive = startAfter !== null && startAfter >= prefix;
    const lower = exclusive ? startAfter : prefix;
    const entries = [];
    let more = false;
    let used = 0;
    const add = entry => {
      if (entries.length === limit) return false;
      if (budget > 0) {
        const size = sizeOf(entry);
        if (entries.length > 0 && used + size > budget) return false;
        used += size;
      }
      entries.push(entry);
      return true;
    };
    if (!shallow) {
      const upper = prefixUpperBound(prefix);
      let from = lower;
      let fromExclusive = exclusive;
      while (true) {
        if (upper !== null && from >= upper) return ok({ entries, more: false });
        const range = upper === null
          ? (from === '' ? null : IDBKeyRange.lowerBound(from, fromExclusive))
          : (from === '' ? IDBKeyRange.upperBound(upper, true) : IDBKeyRange.bound(from, upper, fromExclusive, true));
        // One more than the page can still hold (if it comes back, the listing goes on); under a byte budget,
        // about as many as the budget has room for at the sizes seen so far, so records are not read for nothing.
        let count = limit - entries.length + 1;
        if (budget > 0) {
          const average = entries.length > 0 ? used / entries.length : 160;
          count = Math.min(count, Math.max(16, Math.ceil((budget - used) / average) + 1));
        }
        const found = await request(keysOnly ? store.getAllKeys(range, count) : store.getAll(range, count));
        for (const value of found) {
          if (!add(keysOnly ? { k: value } : { k: value.k, i: publicItem(value) })) return ok({ entries, more: true });
        }
        if (found.length < count) return ok({ entries, more: false });
        from = keysOnly ? found[found.length - 1] : found[found.length - 1].k;
        fromExclusive = true;
      }
    }
    const range = lower === '' ? null : IDBKeyRange.lowerBound(lower, exclusive);
    await new Promise((resolve, reject) => {
      const req = keysOnly ? store.openKeyCursor(range) : store.openCursor(range);
      req.onerror = () => reject(req.error);
      req.onsuccess = () => {
        const cursor = req.result;
        if (!cursor) { resolve(); return; }
        const key = cursor.primaryKey;
        if (!key.startsWith(prefix)) { resolve(); return; }
        const slash = key.indexOf('/', prefix.length);
        if (slash >= 0) {
          const common = key.slice(0, slash + 1);
          if ((startAfter === null || common > startAfter) && !add({ p: common })) { more = true; resolve(); return; }
          cursor.continue(key.slice(0, slash) + '0'); // '0' follows '/': the first key after every key under `common`
          return;
        }
        if (!add(keysOnly ? { k: key } : { k: key, i: publicItem(cursor.value) })) { more = true; resolve(); return; }
        cursor.continue();
      };
    });
    return ok({ entries, more });
  }, 'idbList');
}

// idbList for [JSImport] (WebAssembly), answered as one flat array of strings that .NET walks without JSON
// (System.Text.Json runs slowly in the WebAssembly interpreter: 3.3 s for a 10,000-entry listing's 1.5 MB).
// [error name, message] on failure; else ['', more ? '1' : '0'] and per entry 'p', prefix | 'k', key |
// 'i', key, size, created, updated, etag, content type ('-' none, '+type'), metadata count, then name, value
// for each. Strings only, never null or undefined.
export async function idbListFlat(id, prefix, startAfter, limit, shallow, keysOnly) {
  const answer = await idbList(id, prefix, startAfter, limit, shallow, keysOnly, 0);
  if (answer.e) return [answer.e, answer.m ?? ''];
  const flat = ['', answer.v.more ? '1' : '0'];
  for (const entry of answer.v.entries) {
    if (entry.p !== undefined) {
      flat.push('p', entry.p);
    } else if (!entry.i) {
      flat.push('k', entry.k);
    } else {
      const item = entry.i;
      const metadata = item.m ?? {};
      const names = Object.keys(metadata);
      flat.push('i', item.k, String(item.z), String(item.c), String(item.u), String(item.t),
        item.ct === null || item.ct === undefined ? '-' : '+' + item.ct, String(names.length));
      for (const name of names) flat.push(name, String(metadata[name]));
    }
  }
  return flat;
}

// A JS array of strings handed to .NET as a string[]: [JSImport] marshals string arrays as a synchronous result, so
// idbListFlat's promise resolves to the array as an object and this call converts it.
export function stringsOf(array) {
  return array;
}

export function idbChangeState(id) {
  return guard(async () => {
    const handle = handleOf(id);
    const tx = handle.db.transaction(['journal', 'meta'], 'readonly');
    const epoch = await request(tx.objectStore('meta').get('epoch'));
    const trimmed = await request(tx.objectStore('meta').get('trimmed'));
    const last = await new Promise((resolve, reject) => {
      const req = tx.objectStore('journal').openKeyCursor(null, 'prev');
      req.onerror = () => reject(req.error);
      req.onsuccess = () => resolve(req.result ? req.result.key : 0);
    });
    return ok({ epoch, trimmed: trimmed ?? 0, last: Math.max(last, trimmed ?? 0) });
  });
}

function inScope(key, prefix) {
  return key !== undefined && key !== null && key.startsWith(prefix);
}

// Changes after `after` under `prefix`: at most `limit` changes (and `budget` bytes), scanning at most
// `scanLimit` journal entries, so one call is bounded whatever the journal holds. The returned cursor is
// the last entry scanned *and* delivered or skipped as out of scope, so nothing is lost between pages.
export function idbChanges(id, after, prefix, limit, scanLimit, budget) {
  return guard(async () => {
    const handle = handleOf(id);
    const tx = handle.db.transaction(['journal', 'meta'], 'readonly');
    const epoch = await request(tx.objectStore('meta').get('epoch'));
    const trimmed = (await request(tx.objectStore('meta').get('trimmed'))) ?? 0;
    const changes = [];
    let cursorAt = after;
    let more = false;
    let scanned = 0;
    let used = 0;
    await new Promise((resolve, reject) => {
      const req = tx.objectStore('journal').openCursor(IDBKeyRange.lowerBound(after, true));
      req.onerror = () => reject(req.error);
      req.onsuccess = () => {
        const cursor = req.result;
        if (!cursor) { resolve(); return; }
        if (changes.length === limit || scanned === scanLimit) { more = true; resolve(); return; }
        const entry = cursor.value;
        const inside = inScope(entry.k, prefix);
        let change = null;
        if (entry.x === 'm') {
          const previousInside = inScope(entry.p, prefix);
          if (inside && previousInside) change = { x: 'm', k: entry.k, p: entry.p, i: entry.i };
          else if (inside) change = { x: 'u', k: entry.k, i: entry.i };
          else if (previousInside) change = { x: 'd', k: entry.p };
        } else if (inside) {
          change = entry.x === 'u' ? { x: 'u', k: entry.k, i: entry.i } : { x: 'd', k: entry.k };
        }
        if (change) {
          const size = sizeOf(change);
          if (changes.length > 0 && used + size > budget) { more = true; resolve(); return; }
          changes.push(change);
          used += size;
        }
        scanned++;
        cursorAt = entry.s;
        cursor.continue();
      };
    });
    return ok({ epoch, trimmed, cursor: cursorAt, changes, more });
  });
}

// Resolves true when a change under `prefix` after `after` is in the journal (at once if one is),
// false after `timeoutMs`. Woken by this page's writes and by other tabs' BroadcastChannel messages.
export function idbWait(id, after, prefix, timeoutMs) {
  return guard(async () => {
    const handle = handleOf(id);
    const deadline = Date.now() + timeoutMs;
    while (true) {
      let signalled = false;
      let wakeUp;
      const woken = new Promise(resolve => { wakeUp = () => { signalled = true; resolve(); }; });
      handle.waiters.add(wakeUp);
      try {
        const page = await idbChanges(id, after, prefix, 1, 100000, 1 << 30);
        if (page.e) return page;
        if (page.v.changes.length > 0) return ok(true);
        if (page.v.trimmed > after) return ok(true); // the read will report the expiry
        const remaining = deadline - Date.now();
        if (remaining <= 0) return ok(false);
        let timer;
        await Promise.race([woken, new Promise(resolve => { timer = setTimeout(resolve, remaining); })]);
        clearTimeout(timer);
        if (!handles.has(id)) return fail('InvalidStateError', 'closed');
        if (!signalled && Date.now() >= deadline) return ok(false);
        after = page.v.cursor > after ? page.v.cursor : after;
      } finally {
        handle.waiters.delete(wakeUp);
      }
    }
  });
}

export function storageEstimate(persist) {
  return guard(async () => {
    const manager = globalThis.navigator?.storage;
    if (!manager?.estimate) return ok({ usage: null, quota: null, persisted: false });
    let persisted = manager.persisted ? await manager.persisted() : false;
    if (persist && !persisted && manager.persist) persisted = await manager.persist();
    const estimate = await manager.estimate();
    return ok({ usage: estimate.usage ?? null, quota: estimate.quota ?? null, persisted });
  });
}

// ---- [JSImport] forms (WebAssembly: IndexedDbEngine through ImportedModule) ----
// The same work as appendUpload, idbSave and idbOpen, called through System.Runtime.InteropServices.JavaScript
// rather than IJSRuntime: no JSON for the arguments, content copied straight from .NET's memory, and answers
// as flat objects .NET reads property by property ({ e, m } on failure). A large load answers a reader id
// that readerRead reads chunk by chunk (WebAssembly has no 32 KB message cap, but .NET holds one chunk at a time).

const readers = new Map(); // reader id -> Blob

// The module's own address, so [JSImport] imports the very instance IJSRuntime imported (same handles and uploads).
export function moduleUrl() {
  return ok(import.meta.url);
}

// Appends one chunk of a large save (`bytes`, a view of .NET memory valid during this call: copied at once).
// Upload 0 opens one; answers the upload id, or 0 when the upload is not open.
export function uploadPart(upload, bytes) {
  counted('uploadPart');
  if (upload === 0) {
    upload = nextId++;
    uploads.set(upload, []);
  }
  const parts = uploads.get(upload);
  if (!parts) return 0;
  parts.push(new Blob([bytes.slice()]));
  return upload;
}

function flatItem(answer) {
  if (answer.e) return answer;
  const item = answer.v.item ?? answer.v;
  const metadata = item.m && Object.keys(item.m).length > 0 ? JSON.stringify(item.m) : null;
  return { k: item.k, z: item.z, c: item.c, u: item.u, t: item.t, ct: item.ct, mj: metadata };
}

export async function idbSaveImported(id, upload, inline, key, condition, etag, contentType, metadataJson, now, keep) {
  const answer = await guard(() => saveObject(id, upload, inline, key, condition, etag, contentType,
    metadataJson === null ? null : JSON.parse(metadataJson), now, keep), 'idbSaveImported');
  return flatItem(answer);
}

export async function idbOpenImported(id, key, ifNoneMatch, rangeJson, inlineMax) {
  const answer = await guard(() => openObject(id, key, ifNoneMatch, rangeJson === null ? null : JSON.parse(rangeJson), inlineMax, blob => {
    const reader = nextId++;
    readers.set(reader, blob);
    return { reader, length: blob.size };
  }), 'idbOpenImported');
  const flat = flatItem(answer);
  if (!answer.e) {
    flat.nm = answer.v.notModified === true;
    flat.d = answer.v.inline ?? null;
    flat.r = answer.v.reader ?? 0;
    flat.n = answer.v.length ?? 0;
  }
  return flat;
}

// Up to `count` bytes of a reader's content from `offset` ({ d: bytes }, empty at the end).
export async function readerRead(reader, offset, count) {
  counted('readerRead');
  const blob = readers.get(reader);
  if (!blob) return { e: 'UnknownReader', m: `Reader ${reader} is closed.` };
  return { d: new Uint8Array(await blob.slice(offset, offset + count).arrayBuffer()) };
}

export function readerRelease(reader) {
  readers.delete(reader);
}

// ---- localStorage ----
// Strings only: each object is one item, `<namespace><key>` → a JSON header line, '\n', then the content
// in base64 (4 characters per 3 bytes). One item per object, so a write is all or nothing.

function local() {
  const store = globalThis.localStorage;
  if (!store) throw new DOMException('This browser (or this page) offers no localStorage.', 'LocalStorageUnavailable');
  return store;
}

export function lsProbe(namespace) {
  return guard(async () => {
    const store = local();
    const probe = namespace + '\u0000probe';
    store.setItem(probe, '1');
    store.removeItem(probe);
    return ok(true);
  });
}

function lsRead(store, namespace, key) {
  const text = store.getItem(namespace + key);
  if (text === null) return undefined;
  const newline = text.indexOf('\n');
  const header = JSON.parse(text.slice(0, newline));
  header.k = key;
  return { header, body: text.slice(newline + 1) };
}

function toBase64(bytes) {
  let text = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + step));
  }
  return btoa(text);
}

function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function lsWrite(store, namespace, header, body) {
  const { k, ...rest } = header;
  store.setItem(namespace + k, JSON.stringify(rest) + '\n' + body);
}

export function lsSave(namespace, upload, inline, key, condition, etag, contentType, metadata, now) {
  return guard(async () => {
    const store = local();
    const content = takeContent(upload, inline);
    const bytes = content.bytes ?? new Uint8Array(await content.blob.arrayBuffer());
    // Everything after the await runs without yielding, so the check and the write are atomic in this page.
    const current = lsRead(store, namespace, key)?.header;
    if (conditionFails(condition, etag, current)) return fail('Conflict', current === undefined ? 'absent' : 'present');
    const header = {
      k: key, z: bytes.length, c: current ? current.c : now, u: maxTicks(now, current?.u), t: newETag(),
      ct: contentType ?? null, m: metadata ?? {},
    };
    lsWrite(store, namespace, header, toBase64(bytes));
    return ok(publicItem(header));
  });
}

export function lsStat(namespace, key) {
  return guard(async () => {
    const found = lsRead(local(), namespace, key);
    return found ? ok(publicItem(found.header)) : fail('NotFound', key);
  });
}

export function lsOpen(namespace, key, ifNoneMatch, range, inlineMax, postTo) {
  return guard(async () => {
    const found = lsRead(local(), namespace, key);
    if (!found) return fail('NotFound', key);
    if (ifNoneMatch !== null && ifNoneMatch === found.header.t) return ok({ item: publicItem(found.header), notModified: true });
    const blob = new Blob([fromBase64(found.body)]);
    const large = postTo ? content => postContent(content, postTo) : streamReference;
    return ok({ item: publicItem(found.header), ...(await contentResult(blob, range, inlineMax, large)) });
  });
}

export function lsDelete(namespace, key, ifMatch) {
  return guard(async () => {
    const store = local();
    const current = lsRead(store, namespace, key)?.header;
    if (ifMatch !== null && (current === undefined || current.t !== ifMatch)) return fail('Conflict', current === undefined ? 'absent' : 'present');
    if (!current) return ok(false);
    store.removeItem(namespace + key);
    return ok(true);
  });
}

export function lsTransfer(namespace, source, destination, move, condition, etag, now) {
  return guard(async () => {
    const store = local();
    const from = lsRead(store, namespace, source);
    if (!from) return fail('NotFound', source);
    const to = lsRead(store, namespace, destination)?.header;
    if (conditionFails(condition, etag, to)) return fail('Conflict', to === undefined ? 'absent' : 'present');
    const header = {
      k: destination, z: from.header.z, c: to ? to.c : now, u: maxTicks(now, to?.u), t: newETag(),
      ct: from.header.ct ?? null, m: from.header.m ?? {},
    };
    lsWrite(store, namespace, header, from.body);
    if (move) store.removeItem(namespace + source);
    return ok(publicItem(header));
  });
}

// localStorage has no order: a page sorts the matching names (code-unit order, which is ordinal order).
export function lsList(namespace, prefix, startAfter, limit, shallow, keysOnly, budget) {
  return guard(async () => {
    const store = local();
    const full = namespace + prefix;
    const names = [];
    for (let i = 0; i < store.length; i++) {
      const name = store.key(i);
      if (name !== null && name.startsWith(full)) {
        let key = name.slice(namespace.length);
        if (shallow) {
          const slash = key.indexOf('/', prefix.length);
          if (slash >= 0) key = key.slice(0, slash + 1);
        }
        if (startAfter === null || key > startAfter) names.push(key);
      }
    }
    const unique = [...new Set(names)].sort();
    const entries = [];
    let used = 0;
    for (const key of unique) {
      if (entries.length === limit) break;
      const entry = key.endsWith('/')
        ? { p: key }
        : keysOnly ? { k: key } : { k: key, i: publicItem(lsRead(store, namespace, key).header) };
      const size = sizeOf(entry);
      if (entries.length > 0 && used + size > budget) break;
      entries.push(entry);
      used += size;
    }
    return ok({ entries, more: unique.length > entries.length });
  });
}

export function lsUsage(namespace) {
  return guard(async () => {
    const store = local();
    let characters = 0;
    let items = 0;
    for (let i = 0; i < store.length; i++) {
      const name = store.key(i);
      if (name !== null && name.startsWith(namespace)) {
        characters += name.length + (store.getItem(name)?.length ?? 0);
        items++;
      }
    }
    return ok({ characters, items });
  });
}

// ---- measuring (benchmarks and tests) ----

// The same save and load written directly against IndexedDB, without the engine, for the benchmark.
// The benchmark's peer (docs/benchmarks.md): the engine's save and load written directly against IndexedDB in
// this page, no .NET in the loop. Answers [save, load] milliseconds per operation.
export async function directIdbRoundTrip(name, bytes, iterations) {
  const db = await new Promise((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => req.result.createObjectStore('values');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  let saving = 0;
  let loading = 0;
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    const write = db.transaction('values', 'readwrite');
    write.objectStore('values').put(new Blob([bytes]), 'k' + i);
    await done(write);
    const saved = performance.now();
    const read = db.transaction('values', 'readonly');
    const blob = await request(read.objectStore('values').get('k' + i));
    await blob.arrayBuffer();
    loading += performance.now() - saved;
    saving += saved - started;
  }
  db.close();
  indexedDB.deleteDatabase(name);
  return [saving / iterations, loading / iterations];
}

// The benchmark's profile (docs/benchmarks.md): the engine's own JavaScript half (idbSave, idbOpen) called
// directly in this page, no .NET in the loop, so the rest of the engine's time is .NET and interop.
export async function engineJsRoundTrip(name, bytes, iterations) {
  const opened = await openIndexedDb(name, 1, 'atomiton-storage:' + name);
  if (opened.e) throw new Error(opened.m);
  let saving = 0;
  let loading = 0;
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    const saved = await idbSave(opened.v, null, bytes, 'k' + i, 0, null, null, null, String(Date.now() * 10000), 10000);
    const done = performance.now();
    // Content read inline at every size: the JS work of a load, without handing a stream to .NET.
    const loaded = await idbOpen(opened.v, 'k' + i, null, null, Number.MAX_SAFE_INTEGER);
    loading += performance.now() - done;
    saving += done - started;
    if (saved.e || loaded.e) throw new Error(saved.m ?? loaded.m);
  }
  closeIndexedDb(opened.v);
  indexedDB.deleteDatabase(name);
  return [saving / iterations, loading / iterations];
}

// The listing benchmark's peer (docs/benchmarks.md): the engine's database listed directly, as a JavaScript app
// would — one getAll (or getAllKeys) over the prefix's key range, each record's metadata mapped as the engine
// returns it. Answers [entries, milliseconds].
export async function directIdbList(name, prefix, keysOnly) {
  const db = await new Promise((resolve, reject) => {
    const req = indexedDB.open(name);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  try {
    const started = performance.now();
    const store = db.transaction('objects', 'readonly').objectStore('objects');
    const upper = prefixUpperBound(prefix);
    const range = upper === null ? null : IDBKeyRange.bound(prefix, upper, false, true);
    const listed = keysOnly
      ? await request(store.getAllKeys(range))
      : (await request(store.getAll(range))).map(publicItem);
    return [listed.length, performance.now() - started];
  } finally {
    db.close();
  }
}

// Makes IndexedDB unavailable in this page, as a private window or an embedded view does (tests).
export function disableIndexedDb() {
  Object.defineProperty(globalThis, 'indexedDB', { get() { return undefined; }, configurable: true });
  return true;
}

// ---- AES-256-GCM for the encrypted stage (browser WebAssembly, where .NET has none) ----
// WebCryptoSegmentCipherFactory: each object's segment key is HKDF-SHA256(ring key, the object's salt, info)
// derived inside WebCrypto and kept there (not extractable) under an id; each call seals or opens one
// 64 KiB segment (docs/encryption-format.md). A segment that fails authentication answers { v: null }.

const segmentKeys = new Map(); // id -> CryptoKey (AES-GCM)

function subtleCrypto() {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new DOMException('crypto.subtle is only available in secure contexts: serve the app over https (or from localhost).', 'WebCryptoUnavailable');
  }
  return subtle;
}

function segmentKey(id) {
  const key = segmentKeys.get(id);
  if (!key) throw new DOMException(`Segment key ${id} is not open.`, 'UnknownSegmentKey');
  return key;
}

export function aeadDeriveKey(ringKey, salt, info) {
  return guard(async () => {
    const subtle = subtleCrypto();
    const base = await subtle.importKey('raw', ringKey, 'HKDF', false, ['deriveKey']);
    const key = await subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt, info }, base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const id = nextId++;
    segmentKeys.set(id, key);
    return ok(id);
  });
}

export function aeadSeal(id, nonce, aad, plain, offset, count) {
  return guard(async () => {
    const sealed = await subtleCrypto().encrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad, tagLength: 128 }, segmentKey(id), plain.subarray(offset, offset + count));
    return ok(new Uint8Array(sealed));
  });
}

export function aeadOpen(id, nonce, aad, sealed, offset, count) {
  return guard(async () => {
    let plain;
    try {
      plain = await subtleCrypto().decrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad, tagLength: 128 }, segmentKey(id), sealed.subarray(offset, offset + count));
    } catch (error) {
      if (error?.name === 'OperationError') return ok(null); // not authentic
      throw error;
    }
    return ok(new Uint8Array(plain));
  });
}

export function aeadRelease(id) {
  segmentKeys.delete(id);
  return ok(true);
}

// ---- sync state (IndexedDbSyncStateStore: ISyncStateStore in the page) ----
// One database per sync pair: `keys` (one record per key: k, and a / b / s, the JSON of side A's and B's last
// observed versions and the synced base; sparse index fields pa, pb, sy, u holding the key when A is present, B is
// present, a base exists, work is left), `meta` ('pair': the pair record's JSON; 'lock': the run lock) and `log`
// (auto-increment, each line's JSON). Every change is one readwrite transaction with strict durability.

const SYNC_STORES = ['keys', 'meta', 'log'];
const syncHandles = new Map();

export function ssOpen(name) {
  return guard(() => new Promise((resolve) => {
    const { req, failure } = openRequest(name, 1);
    if (failure) {
      resolve(failure);
      return;
    }
    req.onupgradeneeded = () => {
      const db = req.result;
      const keys = db.createObjectStore('keys', { keyPath: 'k' });
      for (const index of ['pa', 'pb', 'sy', 'u']) keys.createIndex(index, index);
      db.createObjectStore('meta');
      db.createObjectStore('log', { autoIncrement: true });
    };
    req.onblocked = () => resolve(fail('Blocked', 'another connection to this database (an older version, in another tab) did not close.'));
    req.onerror = () => resolve(describe(req.error));
    req.onsuccess = () => {
      const db = req.result;
      for (const store of SYNC_STORES) {
        if (!db.objectStoreNames.contains(store)) {
          db.close();
          resolve(fail('VersionError', `the database exists without the store '${store}'; it is not a sync state database of Atomiton Storage. Choose another name.`));
          return;
        }
      }
      const id = nextId++;
      const handle = { db, name, closed: false };
      db.onversionchange = () => { db.close(); handle.closed = true; };
      syncHandles.set(id, handle);
      resolve(ok(id));
    };
  }));
}

function syncHandle(id) {
  const handle = syncHandles.get(id);
  if (!handle) throw new DOMException(`Sync state handle ${id} is closed.`, 'InvalidStateError');
  if (handle.closed) throw new DOMException(`The database '${handle.name}' was closed because another tab deleted it or opened a newer version; reload this page.`, 'VersionChange');
  return handle;
}

export function ssClose(id) {
  const handle = syncHandles.get(id);
  syncHandles.delete(id);
  if (handle && !handle.closed) handle.db.close();
  return ok(true);
}

function syncTx(id, stores, mode) {
  const handle = syncHandle(id);
  return mode === 'readwrite' ? handle.db.transaction(stores, mode, { durability: 'strict' }) : handle.db.transaction(stores, mode);
}

const keyAnswer = record => ({ k: record.k, a: record.a ?? null, b: record.b ?? null, s: record.s ?? null });

export function ssGet(id, key) {
  return guard(async () => {
    const record = await request(syncTx(id, 'keys', 'readonly').objectStore('keys').get(key));
    return ok(record ? keyAnswer(record) : null);
  });
}

// One page of key states in key order: all keys starting with `prefix` (unsettled: false), or those with work
// left (unsettled: true), after `after` (null: from the start); at most `limit` states and about `budget` bytes.
export function ssPage(id, prefix, after, unsettled, limit, budget) {
  return guard(() => new Promise((resolve, reject) => {
    const store = syncTx(id, 'keys', 'readonly').objectStore('keys');
    const source = unsettled ? store.index('u') : store;
    const start = after !== null ? after : (unsettled ? null : prefix);
    const range = start === null ? null : IDBKeyRange.lowerBound(start, after !== null);
    const items = [];
    let bytes = 0;
    const req = source.openCursor(range);
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const cursor = req.result;
      if (!cursor) { resolve(ok({ items, more: false })); return; }
      const record = cursor.value;
      if (!unsettled && !record.k.startsWith(prefix)) { resolve(ok({ items, more: false })); return; }
      const answer = keyAnswer(record);
      const size = sizeOf(answer);
      if (items.length > 0 && (items.length >= limit || bytes + size > budget)) { resolve(ok({ items, more: true })); return; }
      items.push(answer);
      bytes += size;
      cursor.continue();
    };
  }));
}

export function ssCount(id) {
  return guard(async () => {
    const keys = syncTx(id, 'keys', 'readonly').objectStore('keys');
    const [synced, presentA, presentB, unsettled] = await Promise.all(['sy', 'pa', 'pb', 'u'].map(name => request(keys.index(name).count())));
    return ok({ synced, presentA, presentB, unsettled });
  });
}

export function ssGetMeta(id, name) {
  return guard(async () => ok((await request(syncTx(id, 'meta', 'readonly').objectStore('meta').get(name))) ?? null));
}

// One commit: records to put (already carrying their sparse index fields), keys to delete, the pair record's JSON
// (or null to leave it) and log lines' JSON, all in one transaction.
export function ssCommit(id, puts, deletes, pair, logs) {
  return guard(async () => {
    const tx = syncTx(id, SYNC_STORES, 'readwrite');
    const completion = done(tx);
    const keys = tx.objectStore('keys');
    for (const record of puts) {
      for (const field of ['pa', 'pb', 'sy', 'u']) if (record[field] !== 1) delete record[field]; else record[field] = record.k;
      keys.put(record);
    }
    for (const key of deletes) keys.delete(key);
    if (pair !== null) tx.objectStore('meta').put(pair, 'pair');
    const log = tx.objectStore('log');
    for (const line of logs) log.add(line);
    await completion;
    return ok(true);
  });
}

export function ssLog(id, after, limit, budget) {
  return guard(() => new Promise((resolve, reject) => {
    const store = syncTx(id, 'log', 'readonly').objectStore('log');
    const items = [];
    let bytes = 0;
    const req = store.openCursor(after === 0 ? null : IDBKeyRange.lowerBound(after, true));
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const cursor = req.result;
      if (!cursor) { resolve(ok({ items, more: false })); return; }
      const size = cursor.value.length + 16;
      if (items.length > 0 && (items.length >= limit || bytes + size > budget)) { resolve(ok({ items, more: true })); return; }
      items.push({ n: cursor.key, j: cursor.value });
      bytes += size;
      cursor.continue();
    };
  }));
}

export function ssReset(id) {
  return guard(async () => {
    const tx = syncTx(id, ['keys', 'meta'], 'readwrite');
    const completion = done(tx);
    tx.objectStore('keys').clear();
    tx.objectStore('meta').delete('pair');
    await completion;
    return ok(true);
  });
}

// The run lock's compare-and-set: IndexedDB runs readwrite transactions over the same store one at a time across
// every tab and worker of the origin, so two callers never both acquire. Times are .NET UTC ticks as strings.
// The rule is SyncRunLock.Arbitrate's: free, expired at `now`, or already the caller's → the caller's.
export function ssAcquire(id, owner, expires, json, now) {
  return guard(async () => {
    const tx = syncTx(id, 'meta', 'readwrite');
    const completion = done(tx);
    const meta = tx.objectStore('meta');
    const current = await request(meta.get('lock'));
    let answer;
    if (!current) {
      answer = { acquired: true, holder: json, takenOver: null };
    } else if (current.owner === owner) {
      const merged = JSON.parse(json);
      merged.Since = JSON.parse(current.json).Since;
      answer = { acquired: true, holder: JSON.stringify(merged), takenOver: null };
    } else if (BigInt(now) >= BigInt(current.expires)) {
      answer = { acquired: true, holder: json, takenOver: current.json };
    } else {
      answer = { acquired: false, holder: current.json, takenOver: null };
    }
    if (answer.acquired) meta.put({ owner, expires, json: answer.holder }, 'lock');
    await completion;
    return ok(answer);
  });
}

export function ssRenew(id, owner, expires, expiresJson) {
  return guard(async () => {
    const tx = syncTx(id, 'meta', 'readwrite');
    const completion = done(tx);
    const meta = tx.objectStore('meta');
    const current = await request(meta.get('lock'));
    const held = current !== undefined && current.owner === owner;
    if (held) {
      const lock = JSON.parse(current.json);
      lock.Expires = expiresJson;
      meta.put({ owner, expires, json: JSON.stringify(lock) }, 'lock');
    }
    await completion;
    return ok(held);
  });
}

export function ssRelease(id, owner) {
  return guard(async () => {
    const tx = syncTx(id, 'meta', 'readwrite');
    const completion = done(tx);
    const meta = tx.objectStore('meta');
    const current = await request(meta.get('lock'));
    if (current !== undefined && current.owner === owner) meta.delete('lock');
    await completion;
    return ok(true);
  });
}

// The flows sample's service worker: network first, falling back to the cache, so the app loads and keeps
// working with the server stopped. Every successful GET of this origin is cached as it passes, and the page
// hands over the files it loaded before the worker took control (offline.js).
const CACHE = 'flows-offline-v1';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', event => event.waitUntil(self.clients.claim()));

self.addEventListener('message', event => {
  const urls = event.data?.cache;
  if (!Array.isArray(urls)) return;
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await Promise.all(urls.map(async url => {
      try {
        const response = await fetch(url, { cache: 'no-store' });
        if (response.ok) await cache.put(url, response);
      } catch {
        // Offline already: keep what is cached.
      }
    }));
    event.source?.postMessage({ cached: urls.length });
  })());
});

self.addEventListener('fetch', event => {
  const request = event.request;
  if (request.method !== 'GET' || !request.url.startsWith(self.location.origin)) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(request);
      if (response.ok) await cache.put(request, response.clone());
      return response;
    } catch (error) {
      const cached = await cache.match(request, { ignoreSearch: request.mode === 'navigate' })
        ?? (request.mode === 'navigate' ? await cache.match(new URL('./', self.location).href) : undefined);
      if (cached) return cached;
      throw error;
    }
  })());
});

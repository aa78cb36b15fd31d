// Registers the service worker, then hands it every file this page loaded so the next load works offline.
(async () => {
  if (!('serviceWorker' in navigator)) return;
  await navigator.serviceWorker.register('service-worker.js');
  const registration = await navigator.serviceWorker.ready;
  const cacheLoaded = () => {
    const urls = [location.href.split('#')[0], ...performance.getEntriesByType('resource').map(e => e.name)]
      .filter(url => url.startsWith(location.origin));
    registration.active.postMessage({ cache: urls });
  };
  // Blazor loads its files after this script: hand them over once it has started.
  if (document.readyState === 'complete') setTimeout(cacheLoaded, 0); else addEventListener('load', () => setTimeout(cacheLoaded, 0));
  window.flowsCacheLoaded = cacheLoaded;
})();

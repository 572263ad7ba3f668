// zero-gig service worker: keeps the shell, and the last feed and inbox pages, for offline viewing.
// Logging out clears what it kept (Clear-Site-Data), as those pages were someone's.
const VERSION = {{ version|safe }};
const SHELL = "zg-shell-" + VERSION;
const PAGES = "zg-pages";
const SHELL_URLS = {{ shell|safe }};
const OFFLINE = {{ offline|safe }};
const KEPT = {{ kept_pages|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(SHELL_URLS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(
    keys.filter((key) => key.startsWith("zg-shell-") && key !== SHELL).map((key) => caches.delete(key))
  )).then(() => self.clients.claim()));
});

function keptPath(url) {
  return KEPT.find((path) => url.pathname === path);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    const kept = keptPath(url);
    event.respondWith(fetch(request).then((response) => {
      if (kept && response.ok) {
        const copy = response.clone();
        event.waitUntil(caches.open(PAGES).then((cache) => cache.put(kept, copy)));
      }
      return response;
    }).catch(() => caches.open(PAGES)
      .then((cache) => (kept ? cache.match(kept) : undefined))
      .then((page) => page || caches.match(OFFLINE))));
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});

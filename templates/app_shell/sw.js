{% autoescape off %}/* NTM Portal's service worker (issue 17): our own script, no library.
 * Rendered by ntm_portal/app_shell.py and served at /sw.js (scope: the whole site).
 *
 * - Static files: from the cache first (their names carry a hash of their content).
 * - The member's pages ("Việc của tôi", the visit forms, the visit pages): from the
 *   network first; offline, or after NETWORK_TIMEOUT_MS without an answer, the copy
 *   kept in the user's own cache, "ntm-pages-<version>-<user id>". No other page is
 *   ever kept (not the admin, the exports, the lists, the reports).
 * - Any other page offline: the offline page, with a link to "Việc của tôi".
 * - Online and signed in (on activate, and when a page says {type: "ntm-prepare"}):
 *   asks /cua-toi/ngoai-tuyen/ which pages the member needs and keeps those it lacks,
 *   so that "Việc của tôi" and the visit forms open offline even if never visited
 *   (with X-NTM-Prefetch: 1, core/background.py: the session and messages untouched).
 * - Background Sync "ntm-send" and {type: "ntm-sync"}: the send queue
 *   (static/js/queue.js, NTMQueue.sendAll).
 * Logging out clears it all (Clear-Site-Data; static/js/app.js as a fallback).
 */
"use strict";

var VERSION = {{ version }};
var STATIC_CACHE = "ntm-static-" + VERSION;
var PAGES_PREFIX = "ntm-pages-" + VERSION + "-";
var META_CACHE = "ntm-meta-" + VERSION;
var OUR_CACHES = /^ntm-(static|pages|meta)-/;
var PRECACHE = {{ precache }};
var MEMBER_PAGES = {{ member_pages }}.map(function (pattern) { return new RegExp(pattern); });
var STATE_URL = {{ state_url }};
var OFFLINE_URL = {{ offline_url }};
var STATIC_PREFIX = {{ static_prefix }};
var NETWORK_TIMEOUT_MS = 4000;
var PREPARE_EVERY_MS = 15 * 60 * 1000;
// css/portal.3f1c0a9b2d4e.css: a hashed name never changes content.
var HASHED = /\.[0-9a-f]{12}\.[A-Za-z0-9]+$/;
var STATIC_IN_PAGE = /(?:src|href)="([^"]+)"/g;

try {
  importScripts({{ queue_js }});
} catch (error) {
  // No send queue (yet): pages still open offline; nothing is sent from here.
}

function isMemberPage(url) {
  return MEMBER_PAGES.some(function (pattern) { return pattern.test(url.pathname); });
}

// --- whose pages: the user of the last page that came from the server ------------

function readMeta() {
  return caches.open(META_CACHE).then(function (cache) {
    return cache.match("/__ntm-meta").then(function (response) {
      return response ? response.json() : {};
    });
  }).catch(function () { return {}; });
}

function writeMeta(changes) {
  return readMeta().then(function (meta) {
    Object.keys(changes).forEach(function (key) { meta[key] = changes[key]; });
    return caches.open(META_CACHE).then(function (cache) {
      return cache.put("/__ntm-meta", new Response(JSON.stringify(meta), {
        headers: {"Content-Type": "application/json"},
      }));
    });
  });
}

// One user's pages on the phone: another user's are dropped when someone else signs in.
function setUser(user) {
  return readMeta().then(function (meta) {
    if (String(meta.user) === String(user)) return;
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf(PAGES_PREFIX) === 0 && name !== PAGES_PREFIX + user;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return writeMeta({user: String(user), prepared: 0}); });
  });
}

// --- static files ------------------------------------------------------------------

function staticFromPage(html) {
  var urls = [];
  var match;
  STATIC_IN_PAGE.lastIndex = 0;
  while ((match = STATIC_IN_PAGE.exec(html))) {
    if (match[1].indexOf(STATIC_PREFIX) === 0) urls.push(match[1]);
  }
  return urls;
}

function keepStatic(urls) {
  return caches.open(STATIC_CACHE).then(function (cache) {
    return Promise.all(urls.map(function (url) {
      return cache.match(url).then(function (found) {
        if (found) return;
        return fetch(url).then(function (response) {
          if (response.ok) return cache.put(url, response);
        }).catch(function () {});
      });
    }));
  });
}

function staticResponse(request, url) {
  return caches.open(STATIC_CACHE).then(function (cache) {
    return cache.match(request).then(function (cached) {
      if (cached && HASHED.test(url.pathname)) return cached;
      // A plain name (no collectstatic, during development): the network, else the copy.
      return fetch(request).then(function (response) {
        if (response.ok && response.status === 200) cache.put(request, response.clone());
        return response;
      }).catch(function (error) {
        if (cached) return cached;
        throw error;
      });
    });
  });
}

// --- pages ---------------------------------------------------------------------------

function offlinePage() {
  return caches.open(STATIC_CACHE).then(function (cache) {
    return cache.match(OFFLINE_URL);
  }).then(function (response) {
    return response || new Response("Đang ngoại tuyến", {
      status: 503, headers: {"Content-Type": "text/plain; charset=utf-8"},
    });
  });
}

// Keep a member page that came from the server for its user (the X-NTM-User header
// of core/user_header.py); a redirect, an error or a page without a user is not kept.
function keepPage(url, response) {
  var user = response.headers.get("X-NTM-User");
  if (!user || !response.ok || response.status !== 200 || response.redirected) {
    return Promise.resolve();
  }
  if (new URL(response.url || url, self.location.href).pathname !== new URL(url).pathname) {
    return Promise.resolve();
  }
  var copy = response.clone();
  return setUser(user).then(function () {
    return copy.text();
  }).then(function (html) {
    return caches.open(PAGES_PREFIX + user).then(function (cache) {
      return cache.put(url, new Response(html, {
        headers: {"Content-Type": "text/html; charset=utf-8", "X-NTM-User": user},
      }));
    }).then(function () { return keepStatic(staticFromPage(html)); });
  });
}

function cachedPage(url) {
  return readMeta().then(function (meta) {
    if (!meta.user) return undefined;
    return caches.open(PAGES_PREFIX + meta.user).then(function (cache) {
      return cache.match(url, {ignoreSearch: true});
    });
  });
}

function pageResponse(event, url) {
  var request = event.request;
  var network = fetch(request);
  if (!isMemberPage(url)) {
    return network.catch(offlinePage);
  }
  var stored = network.then(function (response) {
    event.waitUntil(keepPage(request.url, response).catch(function () {}));
    return response;
  });
  return cachedPage(request.url).then(function (cached) {
    if (!cached) return stored.catch(offlinePage);
    var timer;
    var late = new Promise(function (resolve) {
      timer = setTimeout(resolve, NETWORK_TIMEOUT_MS);
    });
    return Promise.race([stored, late]).then(function (response) {
      clearTimeout(timer);
      return response || cached;
    }, function () {
      clearTimeout(timer);
      return cached;
    });
  });
}

// --- what the member needs offline ---------------------------------------------------

var preparing = null;

function prepare(force) {
  if (preparing) return preparing;
  preparing = readMeta().then(function (meta) {
    if (!force && meta.prepared && Date.now() - meta.prepared < PREPARE_EVERY_MS) return;
    return fetch(STATE_URL, {
      credentials: "same-origin",
      cache: "no-store",
      headers: {"X-NTM-Queue": "1", "X-NTM-Prefetch": "1"},
    }).then(function (response) {
      if (!response.ok) return;  // signed out (401): nothing to keep
      return response.json().then(function (state) {
        var user = String(state.user);
        return setUser(user).then(function () {
          return caches.open(PAGES_PREFIX + user);
        }).then(function (cache) {
          var wanted = state.pages.map(function (page) {
            return new URL(page, self.location.href).href;
          });
          return cache.keys().then(function (requests) {
            // Forms of assignments the member no longer has are dropped.
            var dropped = requests.filter(function (kept) {
              return wanted.indexOf(kept.url) < 0 && /\/moi\/$/.test(new URL(kept.url).pathname);
            });
            return Promise.all(dropped.map(function (kept) { return cache.delete(kept); }));
          }).then(function () {
            // Only the pages it lacks: the member's own visits refresh the others.
            return wanted.reduce(function (chain, url) {
              return chain.then(function () {
                return cache.match(url).then(function (found) {
                  if (found) return;
                  return fetch(url, {
                    credentials: "same-origin",
                    headers: {"X-NTM-Prefetch": "1"},
                  }).then(function (response) {
                    return keepPage(url, response);
                  });
                });
              });
            }, Promise.resolve());
          });
        }).then(function () { return writeMeta({prepared: Date.now()}); });
      });
    });
  }).catch(function () {}).then(function () { preparing = null; });
  return preparing;
}

function sendQueue() {
  if (typeof self.NTMQueue === "undefined") return Promise.resolve();
  return self.NTMQueue.sendAll();
}

// --- events --------------------------------------------------------------------------

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(STATIC_CACHE).then(function (cache) {
    // One missing file must not stop the worker from installing.
    return Promise.all(PRECACHE.map(function (url) {
      return cache.add(url).catch(function () {});
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return OUR_CACHES.test(name) && name !== STATIC_CACHE && name !== META_CACHE &&
        name.indexOf(PAGES_PREFIX) !== 0;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () {
    return self.clients.claim();
  }).then(function () {
    return prepare(true);
  }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(staticResponse(request, url));
  } else if (request.mode === "navigate") {
    event.respondWith(pageResponse(event, url));
  }
});

self.addEventListener("message", function (event) {
  var type = event.data && event.data.type;
  if (type === "ntm-prepare") {
    event.waitUntil(prepare(Boolean(event.data.force)));
  } else if (type === "ntm-sync") {
    event.waitUntil(sendQueue().catch(function () {}));
  }
});

// The browser calls again later if sending fails (the promise is rejected).
self.addEventListener("sync", function (event) {
  if (event.tag === "ntm-send") event.waitUntil(sendQueue());
});
{% endautoescape %}

// The phone's send queue (issue 17): visits saved on the phone (IndexedDB "ntm-queue")
// and sent when there is a signal, the visit first, then each photo in its own request,
// so a lost connection costs one photo, retried next time. The server creates a visit
// once per draft token (the item's id) and an attachment once per client file id, so
// sending an item again after a cut doubles nothing.
//
// Works in a page (window.NTMQueue) and in the service worker (importScripts). Plain
// ES2017, no library. The contract with the server (issue 17):
//   GET  /cua-toi/ngoai-tuyen/          → {user, csrf, pages, assignments}
//   POST <form action> (X-NTM-Queue: 1) → 201/200 {url, upload_url, ...} | 400 | 409 | 401
//   POST <upload_url> file, client_id, kind → 201/200 | 400 | 429 | 401
(function (global) {
  "use strict";

  var DB_NAME = "ntm-queue";
  var DB_VERSION = 1;
  var ITEMS = "items"; // the queued visits, keyPath id (the draft token)
  var META = "meta"; // {key: "state"} last answer of /cua-toi/ngoai-tuyen/; {key: "lock"}
  var DRAFTS = "drafts"; // photos picked on a form not yet saved, keyPath token
  var STATE_URL = "/cua-toi/ngoai-tuyen/";
  var LOCK_MS = 5 * 60 * 1000; // a lock record older than this is from a page that died
  var KEEP_SENT_MS = 24 * 3600 * 1000;
  var DRAFT_MAX_AGE_MS = 30 * 24 * 3600 * 1000;
  var OPEN = { waiting: 1, sending: 1, login: 1 }; // sent by sendAll without asking
  var HEADERS = { "X-NTM-Queue": "1", Accept: "application/json" };

  var dbPromise = null;
  var running = null; // this context's sendAll in progress

  function promised(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function open() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise(function (resolve, reject) {
      var request = global.indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains(ITEMS)) {
          db.createObjectStore(ITEMS, { keyPath: "id" }).createIndex("userId", "userId");
        }
        if (!db.objectStoreNames.contains(META)) db.createObjectStore(META, { keyPath: "key" });
        if (!db.objectStoreNames.contains(DRAFTS)) db.createObjectStore(DRAFTS, { keyPath: "token" });
      };
      request.onsuccess = function () {
        var db = request.result;
        // Another context deletes the database (logout): let it.
        db.onversionchange = function () { db.close(); dbPromise = null; };
        resolve(db);
      };
      request.onerror = function () { dbPromise = null; reject(request.error); };
      request.onblocked = function () { /* waits for the other context to close */ };
    });
    return dbPromise;
  }

  // One transaction on `stores`; work(tx) may return a value or a promise of one;
  // resolves when the transaction has committed.
  function run(stores, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(stores, mode);
        var result;
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error || new Error("aborted")); };
        Promise.resolve(work(tx)).then(function (value) { result = value; }, function (error) {
          try { tx.abort(); } catch (e) { /* already finished */ }
          reject(error);
        });
      });
    });
  }

  function getAll(store) {
    // IndexedDB requests must be made while the transaction is active: no awaits between.
    return new Promise(function (resolve, reject) {
      var request = store.getAll();
      request.onsuccess = function () { resolve(request.result || []); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function sameUser(item, userId) {
    return userId === undefined || userId === null || String(item.userId) === String(userId);
  }

  function byCreated(a, b) { return (a.createdAt || 0) - (b.createdAt || 0); }

  // --- items -------------------------------------------------------------------------

  function add(item) {
    var now = Date.now();
    if (!item.userId) {
      // The page did not say whose it is: the user the server last named.
      return getMeta("state").then(function (state) {
        if (!state || !state.user) throw new Error("no user");
        return add(Object.assign({}, item, { userId: state.user }));
      });
    }
    return run([ITEMS], "readwrite", function (tx) {
      var store = tx.objectStore(ITEMS);
      return promised(store.get(item.id)).then(function (old) {
        var fresh = Object.assign({
          fields: [],
          files: [],
          state: "waiting",
          message: "",
          errors: null,
          visitUrl: "",
          uploadUrl: "",
          sentAt: null,
        }, item);
        // The same form saved again replaces the item; it keeps the day it was first queued.
        fresh.createdAt = (old && old.createdAt) || item.createdAt || now;
        fresh.updatedAt = now;
        fresh.files = (fresh.files || []).map(function (f) {
          return Object.assign({ sent: false, kind: "photo" }, f, { size: f.size || (f.blob && f.blob.size) || 0 });
        });
        store.put(fresh);
        return fresh;
      });
    });
  }

  function get(id) {
    return run([ITEMS], "readonly", function (tx) { return promised(tx.objectStore(ITEMS).get(id)); });
  }

  function put(item) {
    item.updatedAt = Date.now();
    return run([ITEMS], "readwrite", function (tx) { tx.objectStore(ITEMS).put(item); return item; });
  }

  // Change an item as stored now (another context may have changed it meanwhile).
  function update(id, change) {
    return run([ITEMS], "readwrite", function (tx) {
      var store = tx.objectStore(ITEMS);
      return promised(store.get(id)).then(function (item) {
        if (!item) return null;
        change(item);
        item.updatedAt = Date.now();
        store.put(item);
        return item;
      });
    });
  }

  function remove(id) {
    return run([ITEMS], "readwrite", function (tx) { tx.objectStore(ITEMS).delete(id); });
  }

  // The user's items, oldest first; sent ones older than a day are dropped on the way.
  function list(userId) {
    var now = Date.now();
    return run([ITEMS], "readwrite", function (tx) {
      var store = tx.objectStore(ITEMS);
      return getAll(store).then(function (items) {
        return items.filter(function (item) {
          if (item.state === "sent" && now - (item.sentAt || 0) > KEEP_SENT_MS) {
            store.delete(item.id);
            return false;
          }
          return sameUser(item, userId);
        }).sort(byCreated);
      });
    });
  }

  // How many of the user's visits have not arrived yet (whatever stops them).
  function count(userId) {
    return list(userId).then(function (items) {
      return items.filter(function (item) { return item.state !== "sent"; }).length;
    });
  }

  function clearAll() {
    dbPromise = null;
    return new Promise(function (resolve) {
      var request = global.indexedDB.deleteDatabase(DB_NAME);
      request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
    });
  }

  // --- the last answer of /cua-toi/ngoai-tuyen/ and the photos of unsaved forms --------

  function getMeta(key) {
    return run([META], "readonly", function (tx) { return promised(tx.objectStore(META).get(key)); })
      .then(function (record) { return record ? record.value : null; });
  }

  function setMeta(key, value) {
    return run([META], "readwrite", function (tx) { tx.objectStore(META).put({ key: key, value: value }); });
  }

  function fetchState() {
    return fetch(STATE_URL, { headers: HEADERS, credentials: "same-origin", cache: "no-store", redirect: "follow" })
      .then(function (response) {
        if (isLogin(response)) return { login: true };
        if (!response.ok) return { error: response.status };
        return response.json().then(function (state) {
          state.fetchedAt = Date.now();
          return setMeta("state", state).then(function () { return state; });
        });
      });
  }

  function saveDraftFiles(token, draftKey, files) {
    return run([DRAFTS], "readwrite", function (tx) {
      var store = tx.objectStore(DRAFTS);
      // Photos of forms left unsaved for a month go, like the typed text (visit_form.js).
      var cursor = store.openCursor();
      cursor.onsuccess = function () {
        var at = cursor.result;
        if (!at) return;
        if (Date.now() - (at.value.savedAt || 0) > DRAFT_MAX_AGE_MS) at.delete();
        at.continue();
      };
      if (!files || !files.length) store.delete(token);
      else store.put({ token: token, draftKey: draftKey, files: files, savedAt: Date.now() });
    });
  }

  function getDraftFiles(token) {
    return run([DRAFTS], "readonly", function (tx) { return promised(tx.objectStore(DRAFTS).get(token)); })
      .then(function (record) { return record ? record.files : []; });
  }

  // --- the lock: one sendAll at a time across pages and the service worker -----------

  function withLock(work) {
    if (global.navigator && global.navigator.locks && global.navigator.locks.request) {
      return global.navigator.locks.request("ntm-send", { ifAvailable: true }, function (lock) {
        return lock ? work() : { busy: true };
      });
    }
    var owner = Date.now() + "-" + Math.random().toString(36).slice(2);
    return run([META], "readwrite", function (tx) {
      var store = tx.objectStore(META);
      return promised(store.get("lock")).then(function (lock) {
        if (lock && lock.until > Date.now()) return false;
        store.put({ key: "lock", owner: owner, until: Date.now() + LOCK_MS });
        return true;
      });
    }).then(function (taken) {
      if (!taken) return { busy: true };
      function release() {
        return run([META], "readwrite", function (tx) {
          var store = tx.objectStore(META);
          return promised(store.get("lock")).then(function (lock) {
            if (lock && lock.owner === owner) store.delete("lock");
          });
        });
      }
      return Promise.resolve().then(work).then(
        function (result) { return release().then(function () { return result; }); },
        function (error) { return release().then(function () { throw error; }); }
      );
    });
  }

  // --- sending ------------------------------------------------------------------------

  function readJson(response) {
    return response.text().then(function (text) {
      try { return JSON.parse(text); } catch (e) { return null; }
    });
  }

  function isLogin(response) {
    return response.status === 401 || (response.redirected && /\/accounts\/login\//.test(response.url));
  }

  // A POST of the queue, its answer read: {response, body} (body {} when not JSON).
  function post(url, data, csrf) {
    return fetch(absolute(url), {
      method: "POST",
      body: data,
      headers: Object.assign({ "X-CSRFToken": csrf }, HEADERS),
      credentials: "same-origin",
      redirect: "follow",
    }).then(function (response) {
      return readJson(response).then(function (body) {
        return { response: response, body: body || {} };
      });
    });
  }

  // No session any more: the item waits for the member to sign in again; stop sending.
  function needsLogin(id, body) {
    return update(id, function (it) { it.state = "login"; it.loginUrl = body.login_url || ""; })
      .then(function () { return "stop"; });
  }

  // The form's own CSRF field is left out: Django reads it before the header, and the one
  // the page had may be stale by now (a new login); the header carries a fresh one.
  function formData(pairs) {
    var data = new FormData();
    pairs.forEach(function (pair) {
      if (pair[0] !== "csrfmiddlewaretoken") data.append(pair[0], pair[1]);
    });
    return data;
  }

  function absolute(url) {
    try { return new URL(url, global.location.href).href; } catch (e) { return url; }
  }

  // POST the visit. Resolves with "next" (go on to its files), "stop" (no network or no
  // session: stop sending everything) or "skip" (this item needs the member).
  function sendVisit(id, csrf, report) {
    return get(id).then(function (item) {
      if (!item) return "skip";
      if (item.uploadUrl) return "next"; // the server has the visit already
      return update(id, function (it) { it.state = "sending"; }).then(function (it) {
        report({ phase: "visit", item: it });
        return post(item.url, formData(item.fields), csrf);
      }).then(function (answer) {
        var response = answer.response, body = answer.body;
        if (isLogin(response)) return needsLogin(id, body);
        if ((response.status === 200 || response.status === 201) && body.upload_url) {
          return update(id, function (it) {
            it.visitUrl = body.url || "";
            it.editUrl = body.edit_url || "";
            it.uploadUrl = body.upload_url;
            it.visitId = body.visit;
            it.message = "";
            it.errors = null;
          }).then(function () { return "next"; });
        }
        if (response.status === 400) {
          return update(id, function (it) {
            it.state = "invalid";
            it.message = body.message || "";
            it.errors = body.errors || {};
          }).then(function () { return "skip"; });
        }
        if (response.status === 409 && body.same_day) {
          return update(id, function (it) {
            it.state = "same-day";
            it.message = body.message || "";
            it.sameDayVisits = body.visits || [];
          }).then(function () { return "skip"; });
        }
        if (response.status === 409) {
          return update(id, function (it) {
            it.state = "conflict";
            it.message = body.message || "";
            it.current = body.current || {};
            it.currentVersion = body.version;
            it.editUrl = body.edit_url || it.editUrl || "";
            it.locked = !!body.locked;
          }).then(function () { return "skip"; });
        }
        if ((response.status === 403 || response.status === 404) && body.message) {
          return update(id, function (it) {
            it.state = "invalid";
            it.message = body.message || "";
            it.errors = {};
            it.refused = response.status;
          }).then(function () { return "skip"; });
        }
        // A server error: kept, tried again next time.
        return update(id, function (it) {
          it.state = "waiting";
          it.message = body.message || "";
          it.lastStatus = response.status;
        }).then(function () { return "skip"; });
      }, function () {
        return update(id, function (it) { it.state = "waiting"; }).then(function () { return "stop"; });
      });
    });
  }

  // POST each file not yet arrived, one at a time. Same answers as sendVisit.
  function sendFiles(id, csrf, report) {
    function next() {
      return get(id).then(function (item) {
        if (!item) return "skip";
        var files = item.files || [];
        var index = -1;
        for (var i = 0; i < files.length; i++) {
          if (!files[i].sent && !files[i].refused) { index = i; break; }
        }
        if (index === -1) {
          return update(id, function (it) {
            it.state = "sent";
            it.sentAt = Date.now();
            it.message = "";
            (it.files || []).forEach(function (f) { f.blob = null; });
          }).then(function (it) { report({ phase: "done", item: it }); return "next"; });
        }
        var file = files[index];
        report({ phase: "file", item: item, index: index, total: files.length });
        var data = new FormData();
        data.append("file", file.blob, file.name);
        data.append("client_id", file.clientId);
        data.append("kind", file.kind || "photo");
        return post(item.uploadUrl, data, csrf).then(function (answer) {
          var response = answer.response, body = answer.body;
          if (isLogin(response)) return needsLogin(id, body);
          if (response.status === 200 || response.status === 201) {
            return update(id, function (it) {
              var f = it.files[index];
              f.sent = true;
              f.blob = null; // arrived: the phone needs its bytes no more
              f.attachment = body.attachment;
            }).then(function (it) {
              report({ phase: "file-arrived", item: it, index: index, total: it.files.length });
              return next();
            });
          }
          if (response.status === 400 || ((response.status === 403 || response.status === 404) && body.message)) {
            // The server refuses this file (type, size…): sending it again changes nothing.
            return update(id, function (it) {
              it.files[index].refused = true;
              it.files[index].message = body.message || "";
            }).then(next);
          }
          // Quota (429) or a server error: the rest waits for the next time.
          return update(id, function (it) {
            it.state = "waiting";
            it.message = body.message || "";
            it.lastStatus = response.status;
          }).then(function () { return "skip"; });
        }, function () {
          return update(id, function (it) { it.state = "waiting"; }).then(function () { return "stop"; });
        });
      });
    }
    return next();
  }

  function sendOne(id, csrf, report) {
    return sendVisit(id, csrf, report).then(function (outcome) {
      return outcome === "next" ? sendFiles(id, csrf, report) : outcome;
    });
  }

  function summarise(userId, extra) {
    return list(userId).then(function (items) {
      var summary = { user: userId, sent: 0, waiting: 0, attention: 0, login: 0 };
      items.forEach(function (item) {
        if (item.state === "sent") summary.sent++;
        else if (OPEN[item.state]) summary[item.state === "login" ? "login" : "waiting"]++;
        else summary.attention++;
      });
      return Object.assign(summary, extra || {});
    });
  }

  function sendAllNow(onProgress) {
    var report = function (event) {
      if (onProgress) { try { onProgress(event); } catch (e) { /* the page's problem */ } }
    };
    return fetchState().then(function (state) {
      if (state.login) {
        return list().then(function (items) {
          return Promise.all(items.filter(function (item) { return OPEN[item.state]; }).map(function (item) {
            return update(item.id, function (it) { it.state = "login"; });
          }));
        }).then(function () { return summarise(undefined, { login: true }); });
      }
      if (state.error) return summarise(undefined, { error: state.error });
      var userId = state.user;
      return list(userId).then(function (items) {
        var ids = items.filter(function (item) { return OPEN[item.state]; }).map(function (item) { return item.id; });
        var stopped = false;
        return ids.reduce(function (chain, id) {
          return chain.then(function () {
            if (stopped) return null;
            return sendOne(id, state.csrf, report).then(function (outcome) {
              if (outcome === "stop") stopped = true;
            });
          });
        }, Promise.resolve()).then(function () {
          return summarise(userId, { offline: stopped });
        });
      });
    }, function () {
      return summarise(undefined, { offline: true });
    });
  }

  // Send every waiting visit of the user logged in now; safe to call twice at once (the
  // second resolves {busy: true} while the first runs). Resolves with a summary:
  // {user, sent, waiting, attention, login, offline?, busy?, error?}.
  function sendAll(onProgress) {
    if (running) return Promise.resolve({ busy: true });
    running = withLock(function () { return sendAllNow(onProgress); });
    return running.then(function (result) {
      running = null;
      return result;
    }, function (error) {
      running = null;
      throw error;
    });
  }

  function isAvailable() {
    return !!(global.indexedDB && global.fetch && global.Promise && global.FormData);
  }

  global.NTMQueue = {
    add: add,
    get: get,
    put: put,
    update: update,
    remove: remove,
    list: list,
    count: count,
    sendAll: sendAll,
    clearAll: clearAll,
    fetchState: fetchState,
    cachedState: function () { return getMeta("state"); },
    saveDraftFiles: saveDraftFiles,
    getDraftFiles: getDraftFiles,
    isAvailable: isAvailable,
  };
})(typeof self !== "undefined" ? self : this);

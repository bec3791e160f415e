// The installable app (issue 17): registers the service worker (/sw.js), asks it to
// keep the member's pages while online, shows "Đang ngoại tuyến – trang lưu lúc hh:mm"
// on a page opened without the network, warns before a logout that would drop unsent
// visits, and after a logout clears what the phone kept (Clear-Site-Data does it too,
// where the browser knows it). Its texts come from base.html (data-* attributes).
(function () {
  "use strict";

  var body = document.body;
  var user = body.getAttribute("data-ntm-user");
  var LOGGED_OUT = "da-dang-xuat";

  // --- after an explicit logout (not a session that expired): forget everything -----
  function clearPhone() {
    var jobs = [];
    if (window.caches) {
      jobs.push(caches.keys().then(function (names) {
        return Promise.all(names.filter(function (name) {
          return name.indexOf("ntm-") === 0;
        }).map(function (name) { return caches.delete(name); }));
      }));
    }
    if (window.NTMQueue && window.NTMQueue.clearAll) {
      jobs.push(Promise.resolve(window.NTMQueue.clearAll()));
    } else if (window.indexedDB) {
      jobs.push(new Promise(function (resolve) {
        var request = indexedDB.deleteDatabase("ntm-queue");
        request.onsuccess = request.onerror = request.onblocked = resolve;
      }));
    }
    try {
      // The visit form's local copies (static/js/visit_form.js).
      for (var i = window.localStorage.length - 1; i >= 0; i--) {
        var key = window.localStorage.key(i);
        if (key && key.indexOf("ntm-") === 0) window.localStorage.removeItem(key);
      }
    } catch (error) { /* storage refused: nothing kept there either */ }
    return Promise.all(jobs).catch(function () {});
  }

  var params = new URLSearchParams(window.location.search);
  if (!user && params.has(LOGGED_OUT)) {
    body.setAttribute("data-ntm-clearing", "1");
    clearPhone().then(function () {
      body.setAttribute("data-ntm-cleared", "1");
      body.removeAttribute("data-ntm-clearing");
    });
    return;
  }
  if (!user) return;

  // --- the service worker ---------------------------------------------------------
  function prepare() {
    if (!navigator.onLine || !navigator.serviceWorker || !navigator.serviceWorker.controller) {
      return;
    }
    navigator.serviceWorker.controller.postMessage({type: "ntm-prepare"});
  }
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(body.getAttribute("data-ntm-sw"), {scope: "/"})
      .then(function () { prepare(); })
      .catch(function () { /* no worker: the site works as before, online */ });
    window.addEventListener("online", prepare);
  }

  // --- "Đang ngoại tuyến – trang lưu lúc hh:mm" -------------------------------------
  var banner = document.getElementById("ntm-offline");
  function showState() {
    if (banner) banner.hidden = navigator.onLine;
  }
  if (banner) {
    banner.textContent = banner.getAttribute("data-message");
    showState();
    window.addEventListener("online", showState);
    window.addEventListener("offline", showState);
  }

  // --- logging out with visits not yet sent ---------------------------------------
  var logout = document.querySelector("form.logout");
  var dialog = document.getElementById("ntm-logout-dialog");
  if (!logout || !dialog || typeof dialog.showModal !== "function") return;
  var confirmed = false;
  logout.addEventListener("submit", function (event) {
    if (confirmed || !window.NTMQueue || !window.NTMQueue.count) return;
    event.preventDefault();
    Promise.resolve(window.NTMQueue.count(user)).then(function (count) {
      if (!count) {
        confirmed = true;
        logout.submit();
        return;
      }
      dialog.querySelector("[data-ntm-count]").textContent =
        dialog.getAttribute("data-message").replace("%(n)s", count);
      dialog.showModal();
    }, function () {
      confirmed = true;
      logout.submit();
    });
  });
  dialog.addEventListener("close", function () {
    if (dialog.returnValue === "logout") {
      confirmed = true;
      logout.submit();
    }
  });
})();

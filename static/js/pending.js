// Visits waiting on this phone (issue 17): the header's "n chuyến chờ gửi" with a
// "Gửi ngay" button on every page, and on "Việc của tôi" the list of queued visits,
// each with what stops it and what to do. Sends by itself when the page opens online
// and when the signal comes back. Texts come from the templates (data-* attributes,
// <span data-t>). Needs static/js/queue.js; without IndexedDB it shows nothing.
(function () {
  "use strict";

  var THREE_DAYS_MS = 3 * 24 * 3600 * 1000;
  var Q = window.NTMQueue;
  if (!Q || !Q.isAvailable()) return;

  function userId() {
    return document.body.getAttribute("data-ntm-user") || undefined;
  }

  function two(n) { return (n < 10 ? "0" : "") + n; }
  function dayMonth(ms) { var d = new Date(ms); return two(d.getDate()) + "/" + two(d.getMonth() + 1); }
  function hourMinute(ms) { var d = new Date(ms); return two(d.getHours()) + ":" + two(d.getMinutes()); }
  function dayText(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    return m ? m[3] + "/" + m[2] + "/" + m[1] : iso || "";
  }
  function fill(text, values) {
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(String(values[name]));
    });
    return text;
  }
  function wait(ms) { return new Promise(function (resolve) { window.setTimeout(resolve, ms); }); }
  function emit(name, detail) { document.dispatchEvent(new CustomEvent(name, { detail: detail })); }

  // --- sending --------------------------------------------------------------------------

  var sending = null;

  // NTMQueue.sendAll, waiting while another page or the service worker is sending, with
  // each step told to the page (event "ntm-queue-progress") and the lists refreshed.
  function send(onProgress) {
    if (sending) return sending;
    var tries = 0;
    setStatus("sending");
    function attempt() {
      return Q.sendAll(function (event) {
        if (onProgress) onProgress(event);
        emit("ntm-queue-progress", event);
        refresh();
      }).then(function (summary) {
        if (summary && summary.busy && tries++ < 60) return wait(1000).then(attempt);
        return summary;
      });
    }
    sending = attempt().then(function (summary) {
      sending = null;
      setStatus(summary.offline ? "offline" : summary.login ? "login" : summary.attention ? "attention" : "done");
      emit("ntm-queue-done", summary);
      return refresh().then(function () { return summary; });
    }, function (error) {
      sending = null;
      setStatus("");
      throw error;
    });
    return sending;
  }
  window.NTMSend = send;

  // --- the header's indicator -------------------------------------------------------------

  var indicator = document.getElementById("ntm-queue");
  var statusEl = indicator && indicator.querySelector("[data-queue-status]");

  function setStatus(key) {
    if (!statusEl) return;
    statusEl.textContent = key ? statusEl.getAttribute("data-" + key) || "" : "";
  }

  function showCount(n) {
    if (!indicator) return;
    var link = indicator.querySelector("[data-queue-count]");
    link.textContent = fill(link.getAttribute("data-template"), { n: n });
    indicator.hidden = n === 0 && !statusEl.textContent;
    if (n === 0 && statusEl.textContent === statusEl.getAttribute("data-done")) {
      indicator.hidden = true;
    }
  }

  if (indicator) {
    indicator.querySelector("[data-queue-send]").addEventListener("click", function () {
      send().catch(function () { /* told by the status */ });
    });
  }

  // --- the list on "Việc của tôi" ----------------------------------------------------------

  var section = document.getElementById("queue-list");
  var strings = {};
  if (section) {
    Array.prototype.forEach.call(section.querySelectorAll("[data-t]"), function (el) {
      strings[el.getAttribute("data-t")] = el.textContent.trim();
    });
  }
  function t(key, values) { return fill(strings[key] || key, values); }

  function link(href, text) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }

  function button(text, onClick, secondary) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "button" + (secondary ? " secondary" : "");
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }

  function withQuery(url, id) {
    return url + (url.indexOf("?") === -1 ? "?" : "&") + "ban-cua-toi=" + encodeURIComponent(id);
  }

  function fieldValue(item, name) {
    var pair = (item.fields || []).filter(function (p) { return p[0] === name; })[0];
    return pair ? String(pair[1]) : "";
  }

  function excerpt(text, max) {
    text = text.replace(/\s+/g, " ").trim();
    return text.length > max ? text.slice(0, max - 1).replace(/\s+\S*$/, "") + "…" : text;
  }

  function describe(item) {
    var li = document.createElement("li");
    li.className = "queue-item state-" + item.state;
    li.setAttribute("data-queue-item", item.id);
    var title = document.createElement("strong");
    title.textContent = t("title", { commune: item.commune || "?", date: dayText(item.visitedOn) });
    li.appendChild(title);
    // A new visit or changes to one already on the server, and what it was for, so that
    // two visits of the same day differ.
    li.appendChild(document.createTextNode(" "));
    var kind = document.createElement("span");
    kind.className = "badge " + (item.isNew ? "create" : "update");
    kind.textContent = t(item.isNew ? "new" : "edit");
    li.appendChild(kind);
    var purpose = excerpt(fieldValue(item, "purpose"), 80);
    if (purpose) {
      var what = document.createElement("p");
      what.className = "queue-purpose";
      what.textContent = purpose;
      li.appendChild(what);
    }
    var files = item.files || [];
    var arrived = files.filter(function (f) { return f.sent; }).length;
    var state = document.createElement("p");
    state.className = "queue-state";
    var words = t("state-" + item.state);
    if (item.state === "sent") words = t("state-sent", { time: hourMinute(item.sentAt) });
    state.textContent = words;
    if (files.length) {
      state.appendChild(document.createTextNode(" · " + t("photos", { k: arrived, n: files.length })));
    }
    li.appendChild(state);
    var refused = files.filter(function (f) { return f.refused; });
    if (refused.length) {
      var bad = document.createElement("p");
      bad.className = "queue-message";
      bad.textContent = t("refused-files", {
        names: refused.map(function (f) { return "«" + f.name + "» " + (f.message || ""); }).join("; "),
      });
      li.appendChild(bad);
    }
    if (item.message && item.state !== "sent") {
      var message = document.createElement("p");
      message.className = "queue-message";
      message.textContent = item.message;
      li.appendChild(message);
    }
    if (item.state !== "sent") {
      var since = document.createElement("p");
      since.className = "queue-since muted";
      since.textContent = t("since", { date: dayMonth(item.createdAt) });
      if (Date.now() - item.createdAt > THREE_DAYS_MS) {
        li.classList.add("old");
        var old = document.createElement("strong");
        old.className = "queue-old";
        old.textContent = " " + t("old");
        since.appendChild(old);
      }
      li.appendChild(since);
    }
    var actions = document.createElement("p");
    actions.className = "buttons";
    if (item.state === "sent" && item.visitUrl) {
      actions.appendChild(link(item.visitUrl, t("open-visit")));
    } else if (item.state === "same-day") {
      actions.appendChild(button(t("same-day-yes"), function () {
        Q.update(item.id, function (it) {
          it.fields = it.fields.filter(function (pair) { return pair[0] !== "same_day_ok"; });
          it.fields.push(["same_day_ok", "1"]);
          it.state = "waiting";
          it.message = "";
        }).then(function () { return send(); });
      }));
      actions.appendChild(button(t("same-day-no"), function () {
        Q.remove(item.id).then(refresh);
      }, true));
    } else if (item.state === "invalid") {
      if (item.formUrl && !item.refused) actions.appendChild(link(withQuery(item.formUrl, item.id), t("fix")));
      else actions.appendChild(button(t("drop"), function () { Q.remove(item.id).then(refresh); }, true));
    } else if (item.state === "conflict") {
      if (item.locked || !item.editUrl) {
        if (item.visitUrl) actions.appendChild(link(item.visitUrl, t("open-visit")));
        actions.appendChild(document.createTextNode(" "));
        actions.appendChild(button(t("drop"), function () { Q.remove(item.id).then(refresh); }, true));
      } else {
        actions.appendChild(link(withQuery(item.editUrl, item.id), t("conflict")));
      }
    } else if (item.state === "login") {
      actions.appendChild(link(item.loginUrl || "/accounts/login/?next=" + encodeURIComponent(window.location.pathname), t("login")));
    }
    if (actions.childNodes.length) li.appendChild(actions);
    return li;
  }

  function renderList(items) {
    if (!section) return;
    var list = section.querySelector("[data-queue-items]");
    list.textContent = "";
    items.forEach(function (item) { list.appendChild(describe(item)); });
    section.hidden = items.length === 0;
  }

  var refreshing = null;
  function refresh() {
    if (refreshing) return refreshing;
    refreshing = Q.list(userId()).then(function (items) {
      refreshing = null;
      showCount(items.filter(function (item) { return item.state !== "sent"; }).length);
      renderList(items);
      return items;
    }, function () {
      refreshing = null;
      return [];
    });
    return refreshing;
  }

  function sendIfWaiting() {
    if (navigator.onLine === false) return;
    Q.list(userId()).then(function (items) {
      var waiting = items.some(function (item) { return item.state === "waiting" || item.state === "sending" || item.state === "login"; });
      if (waiting) send().catch(function () { /* stays queued */ });
    });
  }

  document.addEventListener("ntm-queue-changed", refresh);
  window.addEventListener("online", sendIfWaiting);
  // The service worker sends too (Background Sync): show what it did.
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && typeof event.data.type === "string" && event.data.type.indexOf("ntm-") === 0) refresh();
    });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") refresh();
  });

  document.addEventListener("DOMContentLoaded", function () {
    refresh().then(function () {
      // The visit form sends its own visit on "Lưu"; elsewhere, send what waits.
      if (!document.getElementById("visit-form")) sendIfWaiting();
    });
  });
})();

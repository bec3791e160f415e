// The visit form: add support and recommendation rows, and keep a copy of what
// is typed in this browser (localStorage) until the server has it, so that a
// lost signal or a closed tab loses nothing. Works without this file too.
(function () {
  "use strict";

  var PREFIX = "ntm-visit-draft:";
  var MAX_AGE_MS = 30 * 24 * 3600 * 1000;
  var SKIP = /^(csrfmiddlewaretoken|draft_token|.*-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)$/;

  function storage() {
    try {
      var probe = PREFIX + "probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null; // private mode or storage switched off: the form still works
    }
  }

  function dropSavedAndOld(store, savedTokens) {
    var now = Date.now();
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (!key || key.indexOf(PREFIX) !== 0) continue;
      try {
        var copy = JSON.parse(store.getItem(key));
        if (savedTokens.indexOf(copy.token) !== -1 || now - copy.savedAt > MAX_AGE_MS) {
          store.removeItem(key);
        }
      } catch (e) {
        store.removeItem(key);
      }
    }
  }

  function totalInput(form, prefix) {
    return form.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
  }

  function addRow(form, prefix) {
    var template = document.getElementById(prefix + "-template");
    var rows = document.getElementById(prefix + "-rows");
    var total = totalInput(form, prefix);
    if (!template || !rows || !total) return null;
    var index = parseInt(total.value, 10) || 0;
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var row = holder.firstElementChild;
    rows.appendChild(row);
    total.value = String(index + 1);
    return row;
  }

  function snapshot(form) {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP.test(el.name) || el.type === "file" || el.disabled) return;
      if (el.type === "checkbox" || el.type === "radio") {
        fields[el.name] = fields[el.name] || { checked: [] };
        if (el.checked) fields[el.name].checked.push(el.value);
      } else {
        fields[el.name] = { value: el.value };
      }
    });
    var totals = {};
    ["supports", "recommendations"].forEach(function (prefix) {
      var total = totalInput(form, prefix);
      if (total) totals[prefix] = parseInt(total.value, 10) || 0;
    });
    return { fields: fields, totals: totals };
  }

  function restore(form, copy) {
    Object.keys(copy.totals || {}).forEach(function (prefix) {
      var total = totalInput(form, prefix);
      while (total && (parseInt(total.value, 10) || 0) < copy.totals[prefix]) {
        if (!addRow(form, prefix)) break;
      }
    });
    Array.prototype.forEach.call(form.elements, function (el) {
      var saved = copy.fields[el.name];
      if (!saved || el.type === "file") return;
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = (saved.checked || []).indexOf(el.value) !== -1;
      } else if (saved.value !== undefined) {
        el.value = saved.value;
      }
    });
  }

  function timeText(ms) {
    var d = new Date(ms);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(d.getHours()) + ":" + two(d.getMinutes()) + " " +
      two(d.getDate()) + "/" + two(d.getMonth() + 1) + "/" + d.getFullYear();
  }

  function newToken() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  function setUpRows(form) {
    Array.prototype.forEach.call(form.querySelectorAll("[data-add-row]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var row = addRow(form, button.getAttribute("data-add-row"));
        var first = row && row.querySelector("select, input:not([type=hidden]), textarea");
        if (first) first.focus();
        form.dispatchEvent(new Event("input"));
      });
    });
  }

  function setUpLocalCopy(form) {
    var store = storage();
    if (!store) return;
    var saved = (form.getAttribute("data-saved-drafts") || "").split(" ").filter(Boolean);
    dropSavedAndOld(store, saved);
    var key = PREFIX + form.getAttribute("data-draft-key");
    var tokenInput = form.querySelector('input[name="draft_token"]');
    var existing = null;
    try { existing = JSON.parse(store.getItem(key)); } catch (e) { existing = null; }
    var token = (tokenInput && tokenInput.value) || (existing && existing.token) || newToken();
    if (tokenInput) tokenInput.value = token;

    var status = document.getElementById("draft-status");
    var timer = null;
    function keep() {
      var copy = snapshot(form);
      copy.token = token;
      copy.savedAt = Date.now();
      try {
        store.setItem(key, JSON.stringify(copy));
      } catch (e) {
        return; // storage full: nothing more to do
      }
      if (status) {
        status.querySelector("[data-draft-saved]").textContent = timeText(copy.savedAt);
        status.hidden = false;
      }
    }
    function keepSoon() {
      window.clearTimeout(timer);
      timer = window.setTimeout(keep, 400);
    }
    form.addEventListener("input", keepSoon);
    form.addEventListener("change", keepSoon);
    form.addEventListener("submit", keep);

    // A form the server sent back (with errors) already holds what was typed.
    var banner = document.getElementById("draft-restore");
    if (form.getAttribute("data-bound") === "1" || !existing || !existing.fields || !banner) return;
    banner.querySelector("[data-draft-time]").textContent = timeText(existing.savedAt);
    banner.hidden = false;
    banner.querySelector("[data-draft-restore]").addEventListener("click", function () {
      restore(form, existing);
      banner.hidden = true;
      keep();
    });
    banner.querySelector("[data-draft-discard]").addEventListener("click", function () {
      store.removeItem(key);
      banner.hidden = true;
    });
  }

  function setUpSavedList() {
    // Other pages (e.g. "my work") only tell which local copies the server now has.
    var marker = document.querySelector("[data-saved-drafts]:not(form)");
    var store = marker && storage();
    if (!store) return;
    var saved = (marker.getAttribute("data-saved-drafts") || "").split(" ").filter(Boolean);
    dropSavedAndOld(store, saved);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("visit-form");
    if (form) {
      setUpRows(form);
      setUpLocalCopy(form);
    } else {
      setUpSavedList();
    }
  });
})();

// The visit form: add support and recommendation rows, and keep a copy of what
// is typed in this browser (localStorage) until the server has it, so that a
// lost signal or a closed tab loses nothing. Works without this file too.
//
// Where the phone has IndexedDB, fetch and Promise (static/js/queue.js), "Lưu" goes
// through the send queue instead of the plain post (issue 17): photos are shrunk on the
// phone when picked (longest side ≤ 2560 px, JPEG 0.8, less when over the 600 KB budget,
// orientation applied, EXIF and GPS dropped) and kept with the unsaved form; the visit is queued under its draft token and
// sent at once when there is a signal, each photo after it in its own request.
(function () {
  "use strict";

  var PREFIX = "ntm-visit-draft:";
  var MAX_AGE_MS = 30 * 24 * 3600 * 1000;
  var SKIP = /^(csrfmiddlewaretoken|draft_token|.*-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)$/;
  // A shrunk photo's budget: "Lưu" → all sent within 20 s on 3G (issue 17) for three photos
  // at 750 kbit/s up is 3 × 600 KB × 8 / 750 kbit/s ≈ 20 s. A JPEG over it is encoded again,
  // lower in quality first, then in size, until it fits or the steps run out.
  var PHOTO_BUDGET = 600 * 1024;
  var STEPS = [
    { side: 2560, quality: 0.8 }, // the caps: most camera photos stop here
    { side: 2560, quality: 0.7 },
    { side: 2560, quality: 0.6 },
    { side: 2048, quality: 0.6 },
    { side: 1600, quality: 0.6 },
    { side: 1280, quality: 0.6 }
  ];
  var IMAGE_TYPES = /^image\/(jpeg|png)$/;
  var PDF_TYPE = "application/pdf";
  var OPEN_STATES = { waiting: 1, sending: 1 };

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

  function queueAvailable() {
    return !!(window.NTMQueue && window.NTMQueue.isAvailable() && window.Promise && window.fetch);
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

  function addRowsUpTo(form, totals) {
    Object.keys(totals || {}).forEach(function (prefix) {
      var total = totalInput(form, prefix);
      while (total && (parseInt(total.value, 10) || 0) < totals[prefix]) {
        if (!addRow(form, prefix)) break;
      }
    });
  }

  function restore(form, copy) {
    addRowsUpTo(form, copy.totals);
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

  // A queued item's [[name, value], ...] put back into the form (rows added as needed).
  function restorePairs(form, pairs) {
    var totals = {};
    pairs.forEach(function (pair) {
      var match = /^(supports|recommendations)-TOTAL_FORMS$/.exec(pair[0]);
      if (match) totals[match[1]] = parseInt(pair[1], 10) || 0;
    });
    addRowsUpTo(form, totals);
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP.test(el.name) || el.type === "file" || el.name === "csrfmiddlewaretoken") return;
      var values = valuesOf(pairs, el.name);
      if (el.type === "checkbox" || el.type === "radio") fields[el.name] = { checked: values };
      else if (values.length) fields[el.name] = { value: values[0] };
    });
    restore(form, { fields: fields, totals: {} });
  }

  function valuesOf(pairs, name) {
    return pairs.filter(function (pair) { return pair[0] === name; }).map(function (pair) { return pair[1]; });
  }

  function two(n) { return (n < 10 ? "0" : "") + n; }

  function timeText(ms) {
    var d = new Date(ms);
    return two(d.getHours()) + ":" + two(d.getMinutes()) + " " +
      two(d.getDate()) + "/" + two(d.getMonth() + 1) + "/" + d.getFullYear();
  }

  function dayText(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    return m ? m[3] + "/" + m[2] + "/" + m[1] : iso || "";
  }

  function sizeText(bytes) {
    if (bytes >= 1024 * 1024) return (bytes / 1024 / 1024).toFixed(1).replace(".", ",") + " MB";
    return Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  function newToken() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  // The page's strings (templates, translated): <span data-t="key">text with {n}</span>.
  function texts(root) {
    var found = {};
    if (root) {
      Array.prototype.forEach.call(root.querySelectorAll("[data-t]"), function (el) {
        found[el.getAttribute("data-t")] = el.textContent.trim();
      });
    }
    return function (key, values) {
      var text = found[key] || key;
      Object.keys(values || {}).forEach(function (name) {
        text = text.split("{" + name + "}").join(String(values[name]));
      });
      return text;
    };
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

  // The copy of the typed text in localStorage. Returns {token, keep, drop, stop, resume,
  // setToken, existing, key}: the queue takes the copy over once the visit is queued.
  function setUpLocalCopy(form) {
    var store = storage();
    var key = PREFIX + form.getAttribute("data-draft-key");
    var tokenInput = form.querySelector('input[name="draft_token"]');
    var existing = null;
    if (store) {
      var saved = (form.getAttribute("data-saved-drafts") || "").split(" ").filter(Boolean);
      dropSavedAndOld(store, saved);
      try { existing = JSON.parse(store.getItem(key)); } catch (e) { existing = null; }
    }
    var copy = {
      key: form.getAttribute("data-draft-key"),
      token: (tokenInput && tokenInput.value) || (existing && existing.token) || newToken(),
      existing: existing,
      stopped: false,
    };
    if (tokenInput) tokenInput.value = copy.token;
    copy.setToken = function (token) {
      copy.token = token;
      if (tokenInput) tokenInput.value = token;
    };

    var status = document.getElementById("draft-status");
    var timer = null;
    copy.keep = function () {
      if (!store || copy.stopped) return;
      var snap = snapshot(form);
      snap.token = copy.token;
      snap.savedAt = Date.now();
      try {
        store.setItem(key, JSON.stringify(snap));
      } catch (e) {
        return; // storage full: nothing more to do
      }
      if (status) {
        status.querySelector("[data-draft-saved]").textContent = timeText(snap.savedAt);
        status.hidden = false;
      }
    };
    copy.drop = function () {
      window.clearTimeout(timer);
      if (store) store.removeItem(key);
    };
    // Queued: the queue holds the visit now, under this token; a copy kept after that
    // would later offer this token to a new visit of the same commune and replace it.
    copy.stop = function () {
      copy.drop();
      copy.stopped = true;
      if (status) status.hidden = true;
    };
    copy.resume = function () { copy.held = false; copy.stopped = false; copy.keep(); };
    function keepSoon() {
      window.clearTimeout(timer);
      timer = window.setTimeout(copy.keep, 400);
    }
    // Held: the visit waits in the queue under this token; what is typed now is not kept.
    function typed() {
      if (copy.held) return;
      copy.stopped = false;
      keepSoon();
    }
    form.addEventListener("input", typed);
    form.addEventListener("change", typed);
    form.addEventListener("submit", copy.keep);
    return copy;
  }

  function setUpRestoreBanner(form, copy, photos) {
    // A form the server sent back (with errors) already holds what was typed.
    var existing = copy.existing;
    var banner = document.getElementById("draft-restore");
    if (form.getAttribute("data-bound") === "1" || !existing || !existing.fields || !banner) return;
    banner.querySelector("[data-draft-time]").textContent = timeText(existing.savedAt);
    banner.hidden = false;
    var withPhotos = banner.querySelector("[data-draft-photos]");
    var kept = [];
    if (photos && withPhotos) {
      window.NTMQueue.getDraftFiles(existing.token).then(function (files) {
        kept = files || [];
        if (kept.length) {
          withPhotos.textContent = withPhotos.getAttribute("data-template").split("{n}").join(String(kept.length));
          withPhotos.hidden = false;
        }
      }, function () { /* no photos kept */ });
    }
    banner.querySelector("[data-draft-restore]").addEventListener("click", function () {
      restore(form, existing);
      if (photos && kept.length) photos.load(kept);
      banner.hidden = true;
      copy.keep();
      form.dispatchEvent(new Event("ntm-restored"));
    });
    banner.querySelector("[data-draft-discard]").addEventListener("click", function () {
      copy.drop();
      if (photos) window.NTMQueue.saveDraftFiles(existing.token, copy.key, []);
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

  // --- photos shrunk on the phone ------------------------------------------------------

  function decodeWithImg(file) {
    // A data: URL, which the Content-Security-Policy allows for images (blob: it does not).
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () {
        var img = new Image();
        img.onload = function () { resolve(img); };
        img.onerror = reject;
        img.src = reader.result;
      };
      reader.onerror = reject;
      reader.readAsDataURL(file);
    });
  }

  function decode(file) {
    if (window.createImageBitmap) {
      return window.createImageBitmap(file, { imageOrientation: "from-image" }).catch(function () {
        return decodeWithImg(file);
      });
    }
    return decodeWithImg(file);
  }

  function sizeOf(image) {
    return { w: image.naturalWidth || image.width, h: image.naturalHeight || image.height };
  }

  function drawThumb(canvas, image) {
    var size = sizeOf(image);
    var scale = 160 / Math.max(size.w, size.h);
    canvas.width = Math.max(1, Math.round(size.w * scale));
    canvas.height = Math.max(1, Math.round(size.h * scale));
    canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
  }

  function encode(canvas, quality) {
    return new Promise(function (resolve, reject) {
      canvas.toBlob(function (blob) {
        if (blob) resolve(blob);
        else reject(new Error("encode"));
      }, "image/jpeg", quality);
    });
  }

  // The image decoded once with its orientation, as a JPEG (no EXIF) of the first of STEPS
  // within PHOTO_BUDGET (or the last step); never larger than taken. One encode per step,
  // one drawing per size.
  function shrink(file) {
    return decode(file).then(function (image) {
      var size = sizeOf(image);
      var longest = Math.max(size.w, size.h);
      var canvas = document.createElement("canvas");
      var thumb = document.createElement("canvas");
      drawThumb(thumb, image);
      var steps = STEPS.map(function (step) {
        return { side: Math.min(step.side, longest), quality: step.quality };
      }).filter(function (step, i, all) { // a small photo: no step twice
        return i === 0 || step.side !== all[i - 1].side || step.quality !== all[i - 1].quality;
      });
      var drawn = 0; // the side the canvas holds

      function attempt(i) {
        var step = steps[i];
        if (step.side !== drawn) {
          var w = Math.max(1, Math.round((size.w * step.side) / longest));
          var h = Math.max(1, Math.round((size.h * step.side) / longest));
          drawn = step.side;
          canvas.width = w;
          canvas.height = h;
          var context = canvas.getContext("2d");
          context.fillStyle = "#fff"; // a transparent PNG becomes white, not black
          context.fillRect(0, 0, w, h);
          context.imageSmoothingQuality = "high";
          context.drawImage(image, 0, 0, w, h);
        }
        return encode(canvas, step.quality).then(function (blob) {
          return blob.size <= PHOTO_BUDGET || i === steps.length - 1 ? blob : attempt(i + 1);
        });
      }

      function done() {
        canvas.width = canvas.height = 0;
        if (image.close) image.close();
      }
      return attempt(0).then(function (blob) {
        done();
        return { blob: blob, thumb: thumb };
      }, function (error) {
        done();
        throw error;
      });
    });
  }

  function jpegName(name) {
    return (name || "anh").replace(/\.[^.\/\\]*$/, "") + ".jpg";
  }

  // The file input behind its Vietnamese button-label (visit_form.html): hidden from the
  // eye only, and the number chosen said in Vietnamese; count() tells it again.
  function setUpFilePick(form) {
    var box = document.getElementById("file-pick");
    var input = form.querySelector('input[type=file][name="files"]');
    var out = document.getElementById("file-count");
    if (!box || !input || !out) return function () {};
    box.classList.add("enhanced");
    input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " file-count").trim());
    function count(n) {
      out.textContent = n ? out.getAttribute("data-some").split("{n}").join(String(n)) : out.getAttribute("data-none");
      out.hidden = false;
    }
    count(0);
    return count;
  }

  // The picked photos and PDFs of this form: shrunk, listed with thumbnails, and kept in
  // IndexedDB with the token so that closing the page loses none.
  function setUpPhotos(form, copy, t, count) {
    var input = form.querySelector('input[type=file][name="files"]');
    var list = document.getElementById("photo-list");
    if (!input || !list) return null;
    var photos = [];
    var busy = Promise.resolve();
    var note = document.getElementById("photo-note");

    function persist() {
      var files = photos.map(function (p) {
        return { clientId: p.clientId, name: p.name, type: p.type, blob: p.blob, size: p.size, originalSize: p.originalSize };
      });
      return window.NTMQueue.saveDraftFiles(copy.token, copy.key, files).catch(function () { /* full */ });
    }

    function render() {
      list.textContent = "";
      photos.forEach(function (photo, index) {
        var li = document.createElement("li");
        li.className = "photo";
        if (!photo.thumb && photo.type !== PDF_TYPE && window.createImageBitmap) {
          photo.thumb = document.createElement("canvas");
          window.createImageBitmap(photo.blob).then(function (bitmap) {
            drawThumb(photo.thumb, bitmap);
            bitmap.close();
          }, function () { /* no thumbnail */ });
        }
        if (photo.type === PDF_TYPE || !photo.thumb) {
          var pdf = document.createElement("span");
          pdf.className = "photo-thumb pdf";
          pdf.textContent = photo.type === PDF_TYPE ? "PDF" : "";
          li.appendChild(pdf);
        } else {
          photo.thumb.className = "photo-thumb";
          photo.thumb.setAttribute("role", "img");
          photo.thumb.setAttribute("aria-label", photo.name);
          li.appendChild(photo.thumb);
        }
        var text = document.createElement("span");
        text.className = "photo-text";
        var name = document.createElement("span");
        name.className = "photo-name";
        name.textContent = photo.name;
        var size = document.createElement("small");
        size.className = "photo-size";
        size.textContent = photo.type === PDF_TYPE || photo.originalSize === photo.size
          ? sizeText(photo.size)
          : t("photo-size", { before: sizeText(photo.originalSize), after: sizeText(photo.size) });
        text.appendChild(name);
        text.appendChild(size);
        li.appendChild(text);
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "button secondary";
        remove.textContent = t("photo-remove");
        remove.setAttribute("aria-label", t("photo-remove") + " " + photo.name);
        remove.addEventListener("click", function () {
          photos.splice(index, 1);
          render();
          persist();
          input.focus();
        });
        li.appendChild(remove);
        list.appendChild(li);
      });
      list.hidden = photos.length === 0;
      count(photos.length);
    }

    function say(text) {
      if (note) note.textContent = text;
    }

    function addFile(file) {
      var entry = { clientId: newToken(), name: file.name, type: file.type, originalSize: file.size };
      if (file.type === PDF_TYPE) {
        entry.blob = file;
        entry.size = file.size;
        photos.push(entry);
        return Promise.resolve();
      }
      if (!IMAGE_TYPES.test(file.type)) {
        say(t("photo-type", { name: file.name }));
        return Promise.resolve();
      }
      return shrink(file).then(function (result) {
        entry.blob = result.blob;
        entry.thumb = result.thumb;
        entry.size = result.blob.size;
        entry.type = "image/jpeg";
        entry.name = jpegName(file.name);
        photos.push(entry);
      }, function () {
        say(t("photo-unreadable", { name: file.name }));
      });
    }

    input.addEventListener("change", function () {
      var picked = Array.prototype.slice.call(input.files || []);
      input.value = ""; // the photos travel through the queue, not with the form
      if (!picked.length) return;
      say(t("photo-shrinking"));
      busy = busy.then(function () {
        return picked.reduce(function (chain, file) {
          return chain.then(function () { return addFile(file); }).then(render);
        }, Promise.resolve());
      }).then(function () {
        if (note && note.textContent === t("photo-shrinking")) say("");
        return persist();
      });
    });

    return {
      ready: function () { return busy; },
      all: function () { return photos.slice(); },
      load: function (files) {
        photos = (files || []).filter(function (f) { return f.blob; }).map(function (f) {
          return { clientId: f.clientId, name: f.name, type: f.type, blob: f.blob, size: f.size || f.blob.size, originalSize: f.originalSize || f.size };
        });
        render();
        persist();
      },
      clear: function () {
        photos = [];
        render();
      },
      persist: persist,
    };
  }

  // --- errors from the server, next to their fields --------------------------------------

  function fieldLabel(form, el) {
    var text = "";
    if (el.labels && el.labels.length && el.type !== "checkbox" && el.type !== "radio") {
      text = el.labels[0].textContent;
    } else {
      var box = el.closest(".field, fieldset");
      var heading = box && box.querySelector("legend, label, .label");
      text = heading ? heading.textContent : el.name;
    }
    text = text.replace(/\s+/g, " ").replace(/[:*]\s*$/, "").trim();
    var row = el.closest("[data-row]");
    var heading3 = row && row.querySelector("h3");
    var match = /-(\d+)-/.exec(el.name);
    if (heading3 && match) text = heading3.textContent.trim() + " " + (parseInt(match[1], 10) + 1) + " – " + text;
    return text;
  }

  function named(form, name) {
    var el = form.elements.namedItem(name);
    if (el && !el.tagName && el.length) el = el[0]; // a RadioNodeList
    return el || null;
  }

  function setUpErrors(form) {
    var summary = document.getElementById("queue-errors");
    var marked = [];
    function clear() {
      Array.prototype.forEach.call(form.querySelectorAll("[data-queue-error]"), function (el) { el.remove(); });
      marked.forEach(function (m) {
        m.el.removeAttribute("aria-invalid");
        if (m.describedBy === null) m.el.removeAttribute("aria-describedby");
        else m.el.setAttribute("aria-describedby", m.describedBy);
        if (m.box && m.addedClass) m.box.classList.remove("invalid");
      });
      marked = [];
      if (summary) { summary.hidden = true; summary.textContent = ""; }
    }
    function show(message, errors) {
      clear();
      var general = [];
      var firstField = null;
      Object.keys(errors || {}).forEach(function (name, i) {
        var messages = [].concat(errors[name]).map(function (m) { return typeof m === "string" ? m : m.message || String(m); });
        var el = name === "__all__" ? null : named(form, name);
        if (!el || el.type === "hidden") { general = general.concat(messages); return; }
        var box = el.closest(".field, .row-card") || el.parentNode;
        var ul = document.createElement("ul");
        ul.className = "errorlist";
        ul.id = "queue-error-" + i;
        ul.setAttribute("data-queue-error", "");
        messages.forEach(function (m) {
          var li = document.createElement("li");
          li.textContent = m;
          ul.appendChild(li);
        });
        var first = box.firstElementChild;
        if (first && /^(LABEL|LEGEND)$/.test(first.tagName) && !first.contains(el)) box.insertBefore(ul, first.nextSibling);
        else if (first && first.tagName === "FIELDSET") first.insertBefore(ul, first.firstElementChild ? first.firstElementChild.nextSibling : null);
        else box.insertBefore(ul, first);
        var inputs = el.type === "checkbox" || el.type === "radio" ? form.querySelectorAll('[name="' + name + '"]') : [el];
        Array.prototype.forEach.call(inputs, function (input) {
          var describedBy = input.getAttribute("aria-describedby");
          marked.push({ el: input, describedBy: describedBy, box: box, addedClass: !box.classList.contains("invalid") });
          input.setAttribute("aria-invalid", "true");
          input.setAttribute("aria-describedby", ((describedBy || "") + " " + ul.id).trim());
        });
        box.classList.add("invalid");
        if (!firstField || (firstField.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING)) firstField = el;
      });
      if (summary) {
        summary.textContent = "";
        var p = document.createElement("p");
        p.textContent = message || summary.getAttribute("data-default");
        summary.appendChild(p);
        if (general.length) {
          var ul = document.createElement("ul");
          ul.className = "errorlist";
          general.forEach(function (m) {
            var li = document.createElement("li");
            li.textContent = m;
            ul.appendChild(li);
          });
          summary.appendChild(ul);
        }
        summary.hidden = false;
      }
      var target = firstField || summary;
      if (target) {
        (target.closest(".field, .row-card") || target).scrollIntoView({ block: "center" });
        target.focus({ preventScroll: true });
      }
    }
    return { show: show, clear: clear };
  }

  // --- the same-day question --------------------------------------------------------------

  function ask(dialog, text) {
    if (!dialog || !dialog.showModal) return Promise.resolve(window.confirm(text));
    dialog.querySelector("[data-same-day-text]").textContent = text;
    return new Promise(function (resolve) {
      function closed() {
        dialog.removeEventListener("close", closed);
        resolve(dialog.returnValue === "yes");
      }
      dialog.returnValue = "";
      dialog.addEventListener("close", closed);
      dialog.showModal();
    });
  }

  // --- GPS ----------------------------------------------------------------------------------

  function setUpLocation(form, t) {
    var box = document.getElementById("gps");
    var inputs = {
      latitude: named(form, "latitude"),
      longitude: named(form, "longitude"),
      accuracy: named(form, "location_accuracy"),
      at: named(form, "located_at"),
    };
    if (!box || !inputs.latitude || !inputs.longitude || !navigator.geolocation) return;
    var take = box.querySelector("[data-gps-take]");
    var drop = box.querySelector("[data-gps-drop]");
    var status = box.querySelector("[data-gps-status]");
    box.hidden = false;
    function show() {
      var has = !!inputs.latitude.value;
      drop.hidden = !has;
      take.textContent = t(has ? "gps-again" : "gps-take");
      status.textContent = has
        ? t("gps-done", { m: inputs.accuracy && inputs.accuracy.value ? inputs.accuracy.value : "?" })
        : "";
    }
    take.addEventListener("click", function () {
      take.disabled = true;
      status.textContent = t("gps-waiting");
      navigator.geolocation.getCurrentPosition(function (position) {
        take.disabled = false;
        inputs.latitude.value = position.coords.latitude.toFixed(6);
        inputs.longitude.value = position.coords.longitude.toFixed(6);
        if (inputs.accuracy) inputs.accuracy.value = String(Math.max(0, Math.round(position.coords.accuracy || 0)));
        if (inputs.at) inputs.at.value = new Date(position.timestamp || Date.now()).toISOString();
        show();
        form.dispatchEvent(new Event("change"));
      }, function (error) {
        take.disabled = false;
        status.textContent = t(error && error.code === 1 ? "gps-denied" : "gps-failed");
      }, { enableHighAccuracy: true, timeout: 30000, maximumAge: 60000 });
    });
    drop.addEventListener("click", function () {
      Object.keys(inputs).forEach(function (k) { if (inputs[k]) inputs[k].value = ""; });
      show();
      form.dispatchEvent(new Event("change"));
      take.focus();
    });
    form.addEventListener("ntm-restored", show);
    show();
  }

  // --- "Lưu" through the queue ------------------------------------------------------------

  function formPairs(form) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value !== "string") return; // the file input: photos travel on their own
      if (name === "csrfmiddlewaretoken") return; // the queue sends a fresh one
      pairs.push([name, value]);
    });
    return pairs;
  }

  function setUpQueue(form, copy, photos, t) {
    var status = document.getElementById("queue-status");
    var dialog = document.getElementById("same-day-dialog");
    var errors = setUpErrors(form);
    var userId = document.body.getAttribute("data-ntm-user") || "";
    var isNew = form.getAttribute("data-kind") !== "edit";
    var myWork = form.getAttribute("data-my-work") || "/cua-toi/";
    var saving = false;
    var mine = false; // this page's "Lưu" is sending the visit (it opens the visit page after)
    var told = false; // the status tells how this form's visit is being sent

    // `next`: what to do now, as buttons under the message.
    function say(text, link, next) {
      if (!status) return;
      told = false;
      status.textContent = "";
      var p = document.createElement("p");
      p.textContent = text;
      if (link) {
        p.appendChild(document.createTextNode(" "));
        var a = document.createElement("a");
        a.href = link.href;
        a.textContent = link.text;
        p.appendChild(a);
      }
      status.appendChild(p);
      if (next && next.length) {
        var buttons = document.createElement("p");
        buttons.className = "buttons";
        next.forEach(function (action, i) {
          var b = document.createElement("a");
          b.className = "button" + (i ? " secondary" : "");
          b.href = action.href;
          b.textContent = action.text;
          buttons.appendChild(b);
        });
        status.appendChild(buttons);
      }
      status.hidden = false;
    }

    // Saved on the phone: this form's visit waits in the queue. Saving it again would only
    // queue the same visit again, so the form's button is off until the member must act.
    function hold(on) {
      copy.held = on;
      Array.prototype.forEach.call(form.querySelectorAll("button[type=submit]"), function (b) { b.disabled = on; });
    }

    function path(url) {
      try { return new URL(url, window.location.href).pathname; } catch (e) { return url; }
    }

    // Offline, a new visit on a day that already has one (as the phone last heard, or
    // queued here) asks first, as the server would.
    function knownDay(day) {
      var action = path(form.action);
      return window.NTMQueue.cachedState().then(function (state) {
        var days = [];
        ((state && state.assignments) || []).forEach(function (a) {
          if (path(a.create_url) === action) days = days.concat(a.visit_days || []);
        });
        return window.NTMQueue.list(userId || undefined).then(function (items) {
          items.forEach(function (item) {
            if (item.id !== copy.token && path(item.url) === action && item.state !== "invalid") {
              days = days.concat(valuesOf(item.fields, "visited_on"));
            }
          });
          return days.indexOf(day) !== -1;
        });
      }).catch(function () { return false; });
    }

    function registerSync() {
      if (!navigator.serviceWorker || !navigator.serviceWorker.getRegistration) return;
      navigator.serviceWorker.getRegistration().then(function (registration) {
        if (!registration) return;
        if (registration.sync && registration.sync.register) {
          registration.sync.register("ntm-send").catch(function () { /* not allowed */ });
        }
        if (registration.active) registration.active.postMessage({ type: "ntm-sync" });
      }).catch(function () { /* no service worker */ });
    }

    function send() {
      if (window.NTMSend) return window.NTMSend(progress);
      return window.NTMQueue.sendAll(progress);
    }

    function progress(event) {
      if (!event.item || event.item.id !== copy.token) return;
      if (event.phase === "visit") say(t("sending"));
      else if (event.phase === "file") say(t("file-sending", { k: event.index + 1, n: event.total }));
      else if (event.phase === "file-arrived") say(t("file-arrived", { k: event.index + 1, n: event.total }));
      else if (event.phase === "done") {
        // Only this page's "Lưu" opens the visit page; a send in the background says so.
        if (mine) say(t("arrived"));
        else arrivedHere(event.item);
        return;
      }
      told = true;
    }

    var arrivedSaid = false;
    function arrivedHere(item) {
      say(t("arrived-here"), item.visitUrl ? { href: item.visitUrl, text: t("open-visit") } : null);
      arrivedSaid = true;
    }

    // Kept on the phone; once the visit itself has arrived, how many of its files have too.
    // `again`: a send in the background stopped; the worker was asked when it was saved.
    function offline(item, again) {
      var text = t("saved-offline");
      var files = (item && item.files) || [];
      if (item && item.uploadUrl && files.length) {
        text += " " + t("files-arrived", { k: files.filter(function (f) { return f.sent; }).length, n: files.length });
      }
      var next = [{ href: myWork, text: t("my-work") }];
      if (isNew) next.unshift({ href: window.location.pathname, text: t("another") });
      say(text, null, next);
      hold(true);
      if (!again) registerSync();
    }

    function outcome(item) {
      if (!item) return;
      if (item.state === "sent") {
        var refused = (item.files || []).filter(function (f) { return f.refused; });
        if (refused.length) {
          say(t("file-refused", { names: refused.map(function (f) { return "«" + f.name + "» " + (f.message || ""); }).join("; ") }),
            { href: item.visitUrl, text: t("open-visit") });
          return;
        }
        say(t("arrived"));
        window.location.assign(item.visitUrl);
        return;
      }
      if (item.state === "invalid") {
        if (item.refused) say(item.message || t("refused"), { href: myWork, text: t("my-work") });
        else { status.hidden = true; errors.show(item.message, item.errors); }
        hold(false);
        copy.resume();
        return;
      }
      if (item.state === "same-day") {
        status.hidden = true;
        ask(dialog, item.message).then(function (yes) {
          if (yes) save(true);
          else {
            window.NTMQueue.remove(item.id);
            hold(false);
            copy.resume();
            photos && photos.persist();
            var day = named(form, "visited_on");
            if (day) day.focus();
          }
        });
        return;
      }
      if (item.state === "conflict") {
        if (item.locked || !item.editUrl) {
          say(item.message, item.visitUrl || item.editUrl ? { href: item.visitUrl || myWork, text: t("my-work") } : null);
          return;
        }
        window.location.assign(item.editUrl + (item.editUrl.indexOf("?") === -1 ? "?" : "&") + "ban-cua-toi=" + encodeURIComponent(item.id));
        return;
      }
      if (item.state === "login") {
        say(t("login"), { href: item.loginUrl || "/accounts/login/?next=" + encodeURIComponent(myWork), text: t("login-link") });
        return;
      }
      offline(item);
    }

    // The phone cannot keep the visit (IndexedDB refused, e.g. a private window): the plain
    // post of before, with the photos as shrunk put back into the file input.
    function plainPost() {
      var input = form.querySelector('input[type=file][name="files"]');
      if (photos && input && window.DataTransfer && window.File) {
        try {
          var transfer = new DataTransfer();
          photos.all().forEach(function (p) {
            transfer.items.add(new File([p.blob], p.name, { type: p.type }));
          });
          input.files = transfer.files;
        } catch (e) { /* the photos are listed: the member picks them again */ }
      }
      HTMLFormElement.prototype.submit.call(form);
    }

    function save(sameDayOk) {
      var queued = false;
      errors.clear();
      var pairs = formPairs(form).filter(function (pair) { return pair[0] !== "same_day_ok"; });
      if (sameDayOk || valuesOf(formPairs(form), "same_day_ok").length) pairs.push(["same_day_ok", "1"]);
      var day = valuesOf(pairs, "visited_on")[0] || "";
      var asked = Promise.resolve(true);
      if (isNew && !sameDayOk && !valuesOf(pairs, "same_day_ok").length && navigator.onLine === false) {
        asked = knownDay(day).then(function (known) {
          if (!known) return true;
          return ask(dialog, t("same-day", { date: dayText(day) })).then(function (yes) {
            if (yes) pairs.push(["same_day_ok", "1"]);
            return yes;
          });
        });
      }
      return asked.then(function (go) {
        if (!go) return null;
        return (photos ? photos.ready() : Promise.resolve()).then(function () {
          var kind = valuesOf(pairs, "kind")[0] || "photo";
          var item = {
            id: copy.token,
            userId: userId,
            url: form.action,
            fields: pairs,
            files: (photos ? photos.all() : []).map(function (p) {
              return { clientId: p.clientId, name: p.name, type: p.type, kind: kind, blob: p.blob, size: p.size, originalSize: p.originalSize, sent: false };
            }),
            createdAt: Date.now(),
            state: "waiting",
            commune: form.getAttribute("data-commune") || "",
            visitedOn: day,
            isNew: isNew,
            formUrl: window.location.pathname,
          };
          return window.NTMQueue.add(item);
        }).then(function (item) {
          queued = true;
          copy.stop();
          window.NTMQueue.saveDraftFiles(copy.token, copy.key, []);
          document.dispatchEvent(new CustomEvent("ntm-queue-changed"));
          if (navigator.onLine === false) {
            offline();
            return null;
          }
          say(t("sending"));
          mine = true;
          return send().then(function () { return window.NTMQueue.get(item.id); }).then(function (now) {
            mine = false;
            outcome(now);
          });
        });
      }).catch(function () {
        mine = false;
        if (!queued) plainPost();
        else offline();
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (saving) return;
      saving = true;
      var buttons = form.querySelectorAll("button[type=submit]");
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
      save(false).then(function () {
        saving = false;
        if (!copy.held) Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
      });
    });

    // The signal comes back while the page is open: pending.js sends; tell what arrived.
    document.addEventListener("ntm-queue-progress", function (event) { progress(event.detail || {}); });
    // A send in the background ended. Stopped (the signal lost again) while the status told
    // its progress: say again that the visit waits on the phone. Arrived without this page
    // seeing it (the service worker sent it): say so.
    document.addEventListener("ntm-queue-done", function () {
      if (mine || !(told || copy.held)) return;
      window.NTMQueue.get(copy.token).then(function (item) {
        if (!item || mine) return;
        if (item.state === "sent") { if (!arrivedSaid) arrivedHere(item); }
        else if (!told) return;
        else if (item.state === "waiting" || item.state === "sending") offline(item, true);
        else if (item.state === "login") outcome(item);
      });
    });

    return { outcome: outcome, say: say, errors: errors };
  }

  // --- a queued copy reopened: ?ban-cua-toi=<id> ------------------------------------------

  function displayValue(form, name, values) {
    var el = named(form, name);
    if (!el) return values.join(", ");
    if (el.type === "checkbox" || el.type === "radio") {
      var shown = [];
      Array.prototype.forEach.call(form.querySelectorAll('[name="' + name + '"]'), function (input) {
        if (values.indexOf(input.value) === -1) return;
        var label = input.labels && input.labels[0];
        shown.push(label ? label.textContent.trim() : input.value);
      });
      if (el.type === "checkbox" && form.querySelectorAll('[name="' + name + '"]').length === 1) {
        return values.length ? "✓" : "–";
      }
      return shown.join(", ");
    }
    if (el.tagName === "SELECT") {
      return values.map(function (v) {
        var option = Array.prototype.filter.call(el.options, function (o) { return o.value === v; })[0];
        return option ? option.textContent.trim() : v;
      }).join(", ");
    }
    return values.join(", ");
  }

  function currentValues(form, name) {
    var values = [];
    Array.prototype.forEach.call(form.querySelectorAll('[name="' + name + '"]'), function (el) {
      if (el.type === "checkbox" || el.type === "radio") { if (el.checked) values.push(el.value); }
      else values.push(el.value);
    });
    return values;
  }

  function setValues(form, name, values) {
    Array.prototype.forEach.call(form.querySelectorAll('[name="' + name + '"]'), function (el) {
      if (el.type === "checkbox" || el.type === "radio") el.checked = values.indexOf(el.value) !== -1;
      else el.value = values[0] || "";
    });
    form.dispatchEvent(new Event("input"));
  }

  var COMPARE_SKIP = /^(csrfmiddlewaretoken|draft_token|version|same_day_ok|kind|latitude|longitude|location_accuracy|located_at|.*-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS|.*-id|.*-DELETE)$/;

  function showConflict(form, item, copy, photos, t) {
    var panel = document.getElementById("queue-conflict");
    if (!panel) return;
    var totals = {};
    item.fields.forEach(function (pair) {
      var match = /^(supports|recommendations)-TOTAL_FORMS$/.exec(pair[0]);
      if (match) totals[match[1]] = parseInt(pair[1], 10) || 0;
    });
    addRowsUpTo(form, totals);
    var names = [];
    item.fields.forEach(function (pair) {
      if (names.indexOf(pair[0]) === -1 && !COMPARE_SKIP.test(pair[0])) names.push(pair[0]);
    });
    // Ticks that are no longer in the queued copy are differences too.
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && (el.type === "checkbox" || el.type === "radio") && names.indexOf(el.name) === -1 && !COMPARE_SKIP.test(el.name)) names.push(el.name);
    });
    var list = panel.querySelector("[data-conflict-list]");
    list.textContent = "";
    var differences = 0;
    names.forEach(function (name) {
      var el = named(form, name);
      if (!el || el.type === "hidden") return;
      var mine = valuesOf(item.fields, name);
      var now = currentValues(form, name);
      if (mine.join("\n").trim() === now.join("\n").trim()) return;
      differences++;
      var li = document.createElement("li");
      li.className = "conflict-field";
      var h = document.createElement("h3");
      h.textContent = fieldLabel(form, el);
      li.appendChild(h);
      [["conflict-mine", mine], ["conflict-current", now]].forEach(function (part) {
        var p = document.createElement("p");
        var b = document.createElement("strong");
        b.textContent = t(part[0]) + ": ";
        p.appendChild(b);
        var span = document.createElement("span");
        span.className = "conflict-text";
        span.textContent = displayValue(form, name, part[1]) || t("empty");
        p.appendChild(span);
        li.appendChild(p);
      });
      var use = document.createElement("button");
      use.type = "button";
      use.className = "button secondary";
      use.textContent = t("use-mine");
      use.addEventListener("click", function () {
        setValues(form, name, mine);
        use.disabled = true;
        use.textContent = t("used-mine");
        var target = named(form, name);
        if (target) target.focus();
      });
      li.appendChild(use);
      list.appendChild(li);
    });
    if (!differences) {
      var none = document.createElement("li");
      none.textContent = t("no-difference");
      list.appendChild(none);
    }
    var message = panel.querySelector("[data-conflict-message]");
    if (message) message.textContent = item.message || "";
    panel.querySelector("[data-conflict-drop]").addEventListener("click", function () {
      window.NTMQueue.remove(item.id).then(function () {
        panel.hidden = true;
        copy.setToken(newToken());
        if (photos) photos.clear();
        document.dispatchEvent(new CustomEvent("ntm-queue-changed"));
      });
    });
    panel.hidden = false;
    panel.scrollIntoView({ block: "start" });
  }

  function reopenQueued(form, copy, photos, queue, t) {
    var match = /[?&]ban-cua-toi=([A-Za-z0-9-]{1,64})/.exec(window.location.search);
    if (!match) return false;
    window.NTMQueue.get(match[1]).then(function (item) {
      if (!item || item.state === "sent") return;
      // Saving now goes as this item (same token), replacing it in the queue.
      copy.setToken(item.id);
      var banner = document.getElementById("draft-restore");
      if (banner) banner.hidden = true;
      if (photos) photos.load((item.files || []).filter(function (f) { return !f.sent; }));
      if (item.state === "conflict" && form.getAttribute("data-kind") === "edit") {
        showConflict(form, item, copy, photos, t);
        return;
      }
      restorePairs(form, item.fields);
      form.dispatchEvent(new Event("ntm-restored"));
      if (item.state === "invalid") queue.errors.show(item.message, item.errors);
      else if (item.state === "same-day") queue.outcome(item);
    });
    return true;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("visit-form");
    if (!form) {
      setUpSavedList();
      return;
    }
    setUpRows(form);
    var copy = setUpLocalCopy(form);
    var t = texts(document.getElementById("visit-queue-text"));
    setUpLocation(form, t);
    var count = setUpFilePick(form);
    if (!queueAvailable() || form.hasAttribute("data-locked")) {
      // The plain form posts the files it holds: count them as picked.
      var input = form.querySelector('input[type=file][name="files"]');
      if (input) input.addEventListener("change", function () { count(input.files ? input.files.length : 0); });
      setUpRestoreBanner(form, copy, null);
      return;
    }
    var photos = setUpPhotos(form, copy, t, count);
    var queue = setUpQueue(form, copy, photos, t);
    if (!reopenQueued(form, copy, photos, queue, t)) setUpRestoreBanner(form, copy, photos);
    if (navigator.onLine !== false) window.NTMQueue.fetchState().catch(function () { /* offline */ });
  });
})();

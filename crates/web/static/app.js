// Small progressive enhancement: search as you type. Every page works
// without it; this only submits the search form after a pause in typing.
(function () {
  "use strict";
  document.querySelectorAll("input[data-autosubmit]").forEach(function (input) {
    var timer = null;
    // A search sent by hand (Enter, the button) cancels the pending one.
    input.form.addEventListener("submit", function () { clearTimeout(timer); });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (input.value.trim().length >= 2 || input.value === "") {
          input.form.requestSubmit();
        }
      }, 400);
    });
    // Keep the cursor in the box after the page reloads with results.
    if (input.value) {
      input.focus();
      var n = input.value.length;
      input.setSelectionRange(n, n);
    }
  });
})();

// File uploads show their progress: the form is sent in the background and
// the answer replaces the page. Without script the form posts as usual.
(function () {
  "use strict";
  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (!window.FormData || !window.XMLHttpRequest) { return; }
      ev.preventDefault();
      var bar = form.querySelector("progress");
      var button = form.querySelector("button[type=submit]");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", function (e) {
        if (bar && e.lengthComputable) {
          bar.hidden = false;
          bar.value = Math.round((e.loaded / e.total) * 100);
        }
      });
      // After the upload the server checks every row: show that it works.
      xhr.upload.addEventListener("load", function () {
        if (bar) { bar.removeAttribute("value"); }
      });
      xhr.addEventListener("load", function () {
        document.open();
        document.write(xhr.responseText);
        document.close();
      });
      xhr.addEventListener("error", function () {
        if (button) { button.disabled = false; }
        if (bar) { bar.hidden = true; }
      });
      if (button) { button.disabled = true; }
      xhr.send(new FormData(form));
    });
  });
})();

// The entry form saves each figure when the field is left, and says so
// beside it. Without script, "Save all" posts the whole form.
(function () {
  "use strict";
  var form = document.querySelector("form[data-entry]");
  if (!form) { return; }
  var csrf = form.querySelector("input[name=csrf]").value;
  // 1.234 and 1.234.567 are thousands; 12,5 is a decimal (Vietnamese habit).
  function number(s) {
    s = s.replace(/\s+/g, "");
    if (s === "") { return null; }
    if (s.indexOf(",") >= 0) { s = s.replace(/\./g, "").replace(",", "."); }
    else if ((s.match(/\./g) || []).length > 1 || /^-?\d+\.\d{3}$/.test(s)) { s = s.replace(/\./g, ""); }
    var n = Number(s);
    return isFinite(n) ? n : NaN;
  }
  // Leaving a field for a button starts its save just before the click: a
  // page that posts at once would cut that save off, and the server could
  // still run it after the post (an older comment over the one posted, or
  // a figure after the form was submitted). Posts wait for saves under way.
  var pending = 0;
  var resubmit = null;
  function settled() {
    pending -= 1;
    if (pending === 0 && resubmit) { var go = resubmit; resubmit = null; go(); }
  }
  function save(code) {
    var out = form.querySelector("output[data-state='" + code + "']");
    var input = form.querySelector("input[data-indicator='" + code + "']");
    var comment = form.querySelector("input[data-comment='" + code + "']");
    var value = number(input.value);
    if (typeof value === "number" && isNaN(value)) { out.textContent = form.dataset.badNumber; input.setAttribute("aria-invalid", "true"); return; }
    out.textContent = form.dataset.saving;
    var body = [{ indicator: code, org_unit: Number(form.dataset.unit), period: form.dataset.period, value: value, comment: comment.value || null }];
    pending += 1;
    fetch("/api/v1/data-values", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (j) {
        if (r.ok) { out.textContent = form.dataset.saved; input.removeAttribute("aria-invalid"); }
        else { out.textContent = (j.error && j.error.message) || String(r.status); input.setAttribute("aria-invalid", "true"); }
      });
    }).catch(function () { out.textContent = "✗"; }).then(settled);
  }
  document.addEventListener("submit", function (e) {
    if (pending === 0) { return; }
    e.preventDefault();
    var f = e.target;
    var by = e.submitter;
    resubmit = function () { if (by) { f.requestSubmit(by); } else { f.requestSubmit(); } };
  }, true);
  form.querySelectorAll("input[data-indicator], input[data-comment]").forEach(function (el) {
    if (el.readOnly) { return; }
    el.addEventListener("change", function () { save(el.dataset.indicator || el.dataset.comment); });
  });
})();

// Pickers: a unit or an exemplar chosen by name. The box is plain text the
// server reads (a name, a code, or a suggestion's label: pickers.rs); this
// only offers suggestions from the API as one types, and the last few
// picked. Labels are written as pickers.rs writes them.
(function () {
  "use strict";
  var SOURCES = {
    unit: function (q) { return "/api/v1/org-units?per_page=10&q=" + encodeURIComponent(q); },
    exemplar: function (q) { return "/api/v1/models?per_page=10&exemplar=true&q=" + encodeURIComponent(q); }
  };
  var today = new Date().toISOString().slice(0, 10);
  function label(kind, x) {
    if (kind === "exemplar") { return x.name + " — " + x.org_unit_name; }
    var s = x.name + (x.parent_name ? ", " + x.parent_name : "");
    var current = !x.valid_to || x.valid_to >= today;
    return s + (x.code && current ? " (" + x.code + ")" : "");
  }
  function recent(kind) {
    try { return JSON.parse(localStorage.getItem("picked." + kind) || "[]"); } catch (e) { return []; }
  }
  function remember(kind, value) {
    if (!value) { return; }
    var list = recent(kind).filter(function (v) { return v !== value; });
    list.unshift(value);
    try { localStorage.setItem("picked." + kind, JSON.stringify(list.slice(0, 5))); } catch (e) { /* private mode */ }
  }
  function fill(list, values) {
    list.textContent = "";
    values.forEach(function (v) { var o = document.createElement("option"); o.value = v; list.appendChild(o); });
  }
  document.querySelectorAll("input[data-picker]").forEach(function (input) {
    var kind = input.dataset.picker;
    var list = document.getElementById(input.getAttribute("list"));
    if (!list || !SOURCES[kind]) { return; }
    fill(list, recent(kind));
    var timer = null;
    var asked = "";
    // A box of several units (data-multiple) separates them with ";":
    // suggestions complete the last one.
    function split() {
      var parts = input.value.split(";");
      var last = parts.pop().trim();
      var prefix = input.hasAttribute("data-multiple") && parts.length ? parts.join(";").trim() + "; " : "";
      return { q: input.hasAttribute("data-multiple") ? last : input.value.trim(), prefix: prefix };
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var typed = split();
      if (typed.q.length < 2) { fill(list, recent(kind)); return; }
      timer = setTimeout(function () {
        asked = input.value;
        fetch(SOURCES[kind](typed.q), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { items: [] }; })
          .then(function (j) {
            if (asked !== input.value) { return; }
            fill(list, (j.items || []).map(function (x) { return typed.prefix + label(kind, x); }));
          })
          .catch(function () { /* the server still reads what is typed */ });
      }, 250);
    });
    if (input.form) { input.form.addEventListener("submit", function () { remember(kind, input.value.trim()); }); }
  });
})();

// Long filter forms fold on a phone (details.more-filters opens itself on
// wider screens, and stays open without script).
(function () {
  "use strict";
  if (window.matchMedia && window.matchMedia("(max-width: 600px)").matches) {
    document.querySelectorAll("details.more-filters[data-fold]").forEach(function (d) { d.open = false; });
  }
})();

// A choice that changes what the rest of the form offers (a data set and
// its periods) sends the form at once; without script, "Xem" does.
(function () {
  "use strict";
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.requestSubmit(); });
  });
})();

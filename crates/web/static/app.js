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

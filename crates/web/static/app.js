// Small progressive enhancement: search as you type. Every page works
// without it; this only submits the search form after a pause in typing.
(function () {
  "use strict";
  document.querySelectorAll("input[data-autosubmit]").forEach(function (input) {
    var timer = null;
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

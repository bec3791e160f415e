// Every page's forms: amounts in đồng grouped as they are typed ("20.000.000"), and a form
// that comes back from the server with errors opens at its first error, on a phone too.
// The pages work without this file: the server reads "20.000.000" and "20000000" alike.
(function () {
  "use strict";

  var MONEY = "input[data-money]";
  // What marks an error in a form the server sent back: Django's aria-invalid on a field,
  // its error lists, and the templates' boxes of errors not tied to one field.
  var ERROR = "[aria-invalid=true], .errorlist, .form-errors";
  var FIELD = "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])";

  function grouped(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  // Regroup the digits typed so far, keeping the caret after the same digit. Anything but
  // digits, dots and spaces ("1,5", "2 triệu") is left as typed for the server to explain.
  function formatMoney(input) {
    var typed = input.value;
    if (!/^[\d.\s\u00a0]*$/.test(typed)) return;
    var digits = typed.replace(/\D/g, "").replace(/^0+(?=\d)/, "");
    var shown = grouped(digits);
    if (shown === typed) return;
    var caret = input.selectionStart === null ? typed.length : input.selectionStart;
    var digitsBefore = typed.slice(0, caret).replace(/\D/g, "").length;
    input.value = shown;
    var position = 0;
    for (var seen = 0; position < shown.length && seen < digitsBefore; position++) {
      if (/\d/.test(shown.charAt(position))) seen++;
    }
    if (document.activeElement === input) input.setSelectionRange(position, position);
  }

  // The field an error is about: the marked field itself, or the first field of the
  // field group or row holding the message; none for the form's own errors.
  function fieldOf(marker) {
    if (marker.matches(FIELD)) return marker;
    var box = marker.closest(".field, .row-card");
    return box && box.querySelector(FIELD);
  }

  // A form posted back with errors: bring the first one into view and put the cursor in
  // its field, so that a long form on a phone does not open at its top with the error out
  // of sight. An error of the whole form is shown, and focused unless a field already is.
  function openAtFirstError() {
    var marker = document.querySelector("form[method=post] :is(" + ERROR + ")");
    if (!marker) return;
    var field = fieldOf(marker);
    var box = field ? field.closest(".field, .row-card") || field : marker;
    box.scrollIntoView({ block: "center" });
    if (field) {
      field.focus({ preventScroll: true });
    } else if (document.activeElement === document.body) {
      marker.setAttribute("tabindex", "-1");
      marker.focus({ preventScroll: true });
    }
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches(MONEY)) formatMoney(event.target);
  });

  // The browser's own check of required fields on submit: the first invalid field in the
  // middle of the screen, not under the form's sticky buttons.
  var lastInvalid = 0;
  document.addEventListener(
    "invalid",
    function (event) {
      var now = Date.now();
      if (now - lastInvalid > 500) event.target.scrollIntoView({ block: "center" });
      lastInvalid = now;
    },
    true
  );

  document.addEventListener("DOMContentLoaded", openAtFirstError);
})();

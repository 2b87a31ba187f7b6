// Shared page behaviour: forms marked data-confirm ask before they submit
// (cancelling an order cannot be undone).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();

// A file input marked data-fill="<textarea id>" copies the chosen file's text
// into that textarea, so a CSV can be checked before it is sent.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var input = event.target;
    var target = input.dataset && document.getElementById(input.dataset.fill || "");
    if (!target || !input.files || !input.files[0]) { return; }
    var reader = new FileReader();
    reader.onload = function () { target.value = String(reader.result); };
    reader.readAsText(input.files[0]);
  });
})();

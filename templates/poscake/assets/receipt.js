// Receipt page: the Print button, and printing at once when the till opened
// the receipt with ?print=1.
(function () {
  "use strict";
  var button = document.getElementById("print-button");
  if (button) {
    button.addEventListener("click", function () { window.print(); });
  }
  if (new URLSearchParams(window.location.search).get("print") === "1") {
    window.addEventListener("load", function () { window.print(); });
  }
})();

// The notification bell: its unread count, kept live over Server-Sent Events,
// and a short-lived toast for each notification that arrives while the page
// is open. Without JavaScript the bell is still a link to the notification
// centre.
(function () {
  "use strict";

  var bell = document.getElementById("bell");
  var count = document.getElementById("bell-count");
  var toasts = document.getElementById("toasts");
  if (!bell || !count || !window.EventSource) {
    return;
  }
  var unread = 0;

  function show(n) {
    unread = n;
    count.textContent = n > 99 ? "99+" : String(n);
    count.hidden = n === 0;
  }

  // The count comes from the server: on load, and again whenever the stream
  // (re)connects or says it missed something.
  function reload() {
    fetch("/api/notifications/unread", { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) { if (body && body.data) { show(body.data.count); } })
      .catch(function () {});
  }

  function toast(notification) {
    if (!toasts) {
      return;
    }
    var item = document.createElement(notification.link ? "a" : "div");
    item.className = "toast";
    if (notification.link) {
      item.href = notification.link;
    }
    var title = document.createElement("strong");
    title.textContent = notification.title;
    var body = document.createElement("p");
    body.textContent = notification.body;
    item.appendChild(title);
    item.appendChild(body);
    toasts.appendChild(item);
    setTimeout(function () { item.remove(); }, 8000);
  }

  var stream = new EventSource("/api/notifications/stream");
  stream.addEventListener("open", reload);
  stream.addEventListener("resync", reload);
  stream.addEventListener("notification", function (event) {
    var notification = JSON.parse(event.data);
    show(unread + 1);
    toast(notification);
  });
  reload();
})();

// Kindred's small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Print buttons (the safety plan): no inline handlers under our CSP.
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target instanceof Element && target.closest("[data-print]")) {
      window.print();
    }
  });

  // Drafts are never lost: forms marked data-draft keep a copy in this browser
  // until the server confirms the post (?draft=saved), so an expired session, a
  // network error or a closed tab does not lose what someone wrote.
  var PENDING = "kindred-draft-pending";
  try {
    if (window.location.search.indexOf("draft=saved") !== -1) {
      var done = window.sessionStorage.getItem(PENDING);
      if (done) window.localStorage.removeItem(done);
      window.sessionStorage.removeItem(PENDING);
    }
    document.querySelectorAll("form[data-draft]").forEach(function (form) {
      var key = "kindred-draft:" + form.dataset.draft;
      var fields = form.querySelectorAll("textarea, input[type=text], input:not([type])");
      var saved = JSON.parse(window.localStorage.getItem(key) || "null");
      if (saved) {
        fields.forEach(function (field) {
          if (!field.value && saved[field.name]) field.value = saved[field.name];
        });
      }
      form.addEventListener("input", function () {
        var data = {};
        fields.forEach(function (field) { data[field.name] = field.value; });
        window.localStorage.setItem(key, JSON.stringify(data));
      });
      form.addEventListener("submit", function () {
        window.sessionStorage.setItem(PENDING, key);
      });
    });
  } catch (e) {
    // Storage can be disabled (private mode); the server keeps input on errors anyway.
  }

  // Live events for signed-in people: notifications and the moderators' queue.
  var body = document.body;
  if (!body || body.dataset.events !== "on" || !("WebSocket" in window)) {
    return;
  }
  var region = document.getElementById("live-events");
  var delay = 1000;

  function announce(text, url) {
    if (!region) return;
    var item = document.createElement("p");
    item.className = "message info";
    if (url) {
      var link = document.createElement("a");
      link.href = url;
      link.textContent = text;
      item.appendChild(link);
    } else {
      item.textContent = text;
    }
    region.appendChild(item);
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + "/ws/events/");
    socket.onopen = function () { delay = 1000; };
    socket.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (event.type === "notification") {
        announce(event.title, event.url);
      } else if (event.type === "flag.raised" && body.dataset.page === "moderation-queue") {
        announce("A new " + event.level + " flag arrived. Reload the queue.", window.location.pathname);
      }
    };
    socket.onclose = function (closeEvent) {
      if (closeEvent.code === 4401) return;  // signed out: stop trying
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();

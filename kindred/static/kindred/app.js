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

  // A panel shown because of what someone just wrote (crisis support) takes focus on
  // load, so a screen reader starts there and the panel is in view. Without this
  // file the page still opens at the panel through its #support anchor.
  var autofocus = document.querySelector("[data-autofocus]");
  if (autofocus) autofocus.focus();

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

  function announce(text, url, linkText) {
    if (!region) return;
    var item = document.createElement("p");
    item.className = "message info";
    if (url && linkText) {
      item.textContent = text + " ";
      var action = document.createElement("a");
      action.href = url;
      action.textContent = linkText;
      item.appendChild(action);
    } else if (url) {
      var link = document.createElement("a");
      link.href = url;
      link.textContent = text;
      item.appendChild(link);
    } else {
      item.textContent = text;
    }
    region.appendChild(item);
  }

  // Moderation pages show every new flag at once, with a link to it; elsewhere a
  // moderator on duty hears of it through their notification instead.
  var onModerationPage = (body.dataset.page || "").indexOf("moderation") === 0;

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + "/ws/events/");
    socket.onopen = function () {
      delay = 1000;
      body.setAttribute("data-live", "connected");
    };
    socket.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (event.type === "notification.created") {
        // The flag alert below already says this on moderation pages.
        if (onModerationPage && event.kind === "safety.flag") return;
        announce(event.title, event.url);
      } else if (event.type === "flag.raised" && onModerationPage) {
        var what = event.kind === "report" ? "A new member report arrived." :
          "A new " + event.level + "-risk flag arrived.";
        announce(what, "/moderation/flags/" + Number(event.id) + "/", "Open flag #" + Number(event.id));
      }
    };
    socket.onclose = function (closeEvent) {
      body.removeAttribute("data-live");
      if (closeEvent.code === 4401) return;  // signed out: stop trying
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();

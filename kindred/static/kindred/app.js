// Kindred's small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // The words a page script shows, translated on the server: the page renders them
  // with {% script_strings "name" %} (kindred/core/script_strings.py). t(key, values)
  // fills %(name)s placeholders; t.nodes(key, values) does the same into a fragment,
  // so a placeholder can be a link; t.has(key) says whether the page sent it. A
  // missing key shows as itself, never as nothing.
  window.kindredStrings = function (name) {
    var node = document.getElementById("strings-" + name);
    var strings = {};
    try { strings = node ? JSON.parse(node.textContent) : {}; } catch (e) { strings = {}; }
    function has(key) {
      return Object.prototype.hasOwnProperty.call(strings, key);
    }
    function parts(key) {
      var text = has(key) ? strings[key] : key;
      return text.split(/%\((\w+)\)s/);  // text, name, text, name, …, text
    }
    function t(key, values) {
      return parts(key).map(function (part, i) {
        return i % 2 ? String(values && part in values ? values[part] : "") : part;
      }).join("");
    }
    t.has = has;
    t.nodes = function (key, values) {
      var fragment = document.createDocumentFragment();
      parts(key).forEach(function (part, i) {
        var value = i % 2 ? (values && part in values ? values[part] : "") : part;
        fragment.appendChild(value instanceof Node ? value : document.createTextNode(String(value)));
      });
      return fragment;
    };
    return t;
  };

  // Print buttons (the safety plan): no inline handlers under our CSP.
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target instanceof Element && target.closest("[data-print]")) {
      window.print();
    }
  });

  // The welcome steps suggest the browser's country and time zone (fields marked
  // data-detect); whatever the person already chose, or changes, wins. Crisis lines
  // follow the saved country.
  // A <select>, or an <input list> whose <datalist> holds the choices.
  function selectIfOffered(control, value) {
    if (!value) return;
    var options = control.list ? control.list.options : control.options;
    if (!options) return;
    for (var i = 0; i < options.length; i++) {
      if (options[i].value === value) {
        control.value = value;
        return;
      }
    }
  }
  function browserCountry() {
    var languages = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ""];
    for (var i = 0; i < languages.length; i++) {
      var match = /^[a-z]{2,3}[-_]([a-z]{2})\b/i.exec(languages[i] || "");
      if (match) return match[1].toUpperCase();
    }
    return "";
  }
  document.querySelectorAll("select[data-detect], input[data-detect]").forEach(function (select) {
    if (select.dataset.detect === "timezone" && (!select.value || select.value === "UTC")) {
      try {
        selectIfOffered(select, Intl.DateTimeFormat().resolvedOptions().timeZone);
      } catch (e) {
        // No Intl: the person picks.
      }
    } else if (select.dataset.detect === "country" && !select.value) {
      selectIfOffered(select, browserCountry());
    }
  });

  // Disclosure buttons (the site menu, the account menu): a button with
  // aria-expanded and aria-controls shows or hides the element it controls (the CSS
  // hides it while aria-expanded is "false"). Escape closes and returns focus to the
  // button; a click elsewhere closes. Without this file noscript.css shows them open.
  function setExpanded(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  function openDisclosures() {
    return document.querySelectorAll('[data-disclosure][aria-expanded="true"]');
  }
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    var button = target && target.closest("[data-disclosure]");
    openDisclosures().forEach(function (open) {
      var panel = document.getElementById(open.getAttribute("aria-controls") || "");
      var inside = panel && target && panel.contains(target);
      // Leave open the one clicked and those that contain it (the menu around the account menu).
      if (open !== button && !inside && !(button && panel && panel.contains(button))) setExpanded(open, false);
    });
    if (button) setExpanded(button, button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = openDisclosures();
    if (!open.length) return;
    var last = open[open.length - 1];
    setExpanded(last, false);
    last.focus();
  });

  // A panel shown because of what someone just wrote (crisis support) takes focus on
  // load, so a screen reader starts there and the panel is in view. Without this
  // file the page still opens at the panel through its #support anchor.
  var autofocus = document.querySelector("[data-autofocus]");
  if (autofocus) autofocus.focus();

  // Drafts are never lost: forms marked data-draft keep a copy in this browser
  // until the server confirms the post (?draft=saved), so an expired session, a
  // network error or a closed tab does not lose what someone wrote.
  // The copy lives in sessionStorage, gone when the tab closes: a message to a
  // therapist must not wait on a shared computer for the next person. Forms that
  // hold nothing clinical (community posts) may opt in with data-draft-keep="device"
  // to survive a closed tab, in localStorage, for a day at most. Signing out clears
  // every draft either way.
  var DRAFTS = "kindred-draft";
  var PREFIX = DRAFTS + ":";
  var PENDING = DRAFTS + "-pending";
  var MAX_AGE_MS = 24 * 60 * 60 * 1000;

  function readDraft(storage, key) {
    try {
      var entry = JSON.parse(storage.getItem(key) || "null");
      // Drafts from before the time stamp, and old ones, are dropped.
      if (entry && typeof entry.at === "number" && Date.now() - entry.at < MAX_AGE_MS) {
        return entry.fields || null;
      }
    } catch (e) {
      // Unreadable: treat as none.
    }
    return null;
  }

  function clearDrafts(storage, keep) {
    for (var i = storage.length - 1; i >= 0; i--) {
      var key = storage.key(i);
      if (key && key.indexOf(DRAFTS) === 0 && !(keep && keep(key))) storage.removeItem(key);
    }
  }

  function clearAllDrafts() {
    try {
      clearDrafts(window.localStorage);
      clearDrafts(window.sessionStorage);
    } catch (e) {
      // Storage disabled: nothing was kept.
    }
  }

  // Signing out, from the menu or allauth's confirmation page: no form needs marking.
  var logoutUrl = document.body ? document.body.dataset.logoutUrl : "";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!logoutUrl || !(form instanceof HTMLFormElement)) return;
    var action = new URL(form.getAttribute("action") || "", window.location.href);
    if (action.pathname === logoutUrl) clearAllDrafts();
  });

  try {
    var device = window.localStorage;
    var tab = window.sessionStorage;
    // Expired device drafts go on every page load, wherever they were written.
    clearDrafts(device, function (key) { return readDraft(device, key) !== null; });
    if (window.location.search.indexOf("draft=saved") !== -1) {
      var done = tab.getItem(PENDING);
      if (done) {
        device.removeItem(done);
        tab.removeItem(done);
      }
      tab.removeItem(PENDING);
    }
    document.querySelectorAll("form[data-draft]").forEach(function (form) {
      var key = PREFIX + form.dataset.draft;
      var store = form.dataset.draftKeep === "device" ? device : tab;
      var fields = form.querySelectorAll("textarea, input[type=text], input:not([type])");
      var saved = readDraft(store, key);
      if (saved) {
        fields.forEach(function (field) {
          if (!field.value && saved[field.name]) field.value = saved[field.name];
        });
      }
      form.addEventListener("input", function () {
        var data = {};
        fields.forEach(function (field) { data[field.name] = field.value; });
        store.setItem(key, JSON.stringify({ at: Date.now(), fields: data }));
      });
      form.addEventListener("submit", function () {
        tab.setItem(PENDING, key);
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
  var t = window.kindredStrings("core");

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
        var what = event.kind === "report" ? t("report") : t("flag_" + event.level);
        announce(what, "/moderation/flags/" + Number(event.id) + "/", t("open_flag", { number: Number(event.id) }));
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

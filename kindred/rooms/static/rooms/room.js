/* Live rooms: one socket per [data-room] element.
 *
 * The server sends each message once and in seq order per socket. A page starts with
 * the room's latest RECENT messages ("recent=") and loads earlier ones on demand from
 * the HTTP history ("Load earlier messages", "before="); across reconnects it resumes
 * "after the last seq seen" (kept in memory for the page's life) and drops any seq it
 * already shows.
 * Close codes: 4403 removed or refused, 4410 room closed, 4429 too many open rooms
 * (not retried), 4408 too slow to keep up (retried at once from the last seq seen).
 * The text being written stays in the box until the server acknowledges it.
 * App events ({"type": "event"}) are re-dispatched as a bubbling "room:event"
 * CustomEvent whose detail is the event dict, for page scripts to react to.
 */
(function () {
  "use strict";
  if (window.kindredRooms) return;
  window.kindredRooms = true;

  var PING_MS = 25000;
  var TYPING_SEND_MS = 3000;
  var TYPING_SHOW_MS = 4000;
  var MAX_BACKOFF_MS = 30000;
  var RECENT = 50;
  // The words shown, in the reader's language ({% script_strings "rooms" %}).
  var t = window.kindredStrings("rooms");  // app.js, loaded first

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // Until the first socket has opened the page shows nothing: ask for the latest
  // messages only. After that, resume from the last one seen.
  function socketUrl(path, after, opened) {
    var url = new URL(path, window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    if (opened) url.searchParams.set("after", String(after));
    else url.searchParams.set("recent", String(RECENT));
    return url.toString();
  }

  function Room(root) {
    this.root = root;
    this.path = root.getAttribute("data-ws-url");
    this.handle = root.getAttribute("data-handle");
    this.list = root.querySelector("[data-room-messages]");
    this.status = root.querySelector("[data-room-status]");
    this.presence = root.querySelector("[data-room-presence]");
    this.typing = root.querySelector("[data-room-typing]");
    this.support = root.querySelector("[data-room-support]");
    this.form = root.querySelector("[data-room-form]");
    this.input = root.querySelector("[data-room-input]");
    this.error = root.querySelector("[data-room-error]");
    this.earlier = root.querySelector("[data-room-earlier]");
    this.historyUrl = root.getAttribute("data-history-url");
    this.noEarlier = false;
    this.opened = false;
    this.lastSeq = 0;
    this.seen = {};
    this.pending = {};
    this.attempts = 0;
    this.stopped = false;
    this.lastTypingSent = 0;
    this.typingTimer = null;
    this.typingHandle = null;
    this.socket = null;
    this.bind();
    this.bindEarlier();
    this.bindSupport();
    this.connect();
  }

  Room.prototype.bind = function () {
    var self = this;
    if (this.form) {
      this.form.addEventListener("submit", function (event) {
        event.preventDefault();
        self.send();
      });
      this.input.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && !event.shiftKey) {
          event.preventDefault();
          self.send();
        }
      });
      this.input.addEventListener("input", function () {
        var now = Date.now();
        if (now - self.lastTypingSent > TYPING_SEND_MS && self.isOpen()) {
          self.lastTypingSent = now;
          self.socket.send(JSON.stringify({ type: "typing" }));
        }
      });
    }
    window.setInterval(function () {
      if (self.isOpen()) self.socket.send(JSON.stringify({ type: "ping" }));
    }, PING_MS);
  };

  Room.prototype.isOpen = function () {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  };

  Room.prototype.setStatus = function (text) {
    if (this.status.textContent !== text) this.status.textContent = text;
  };

  Room.prototype.showError = function (text) {
    if (!this.error) return;
    this.error.textContent = text;
    this.error.hidden = !text;
  };

  Room.prototype.connect = function () {
    var self = this;
    var socket = new WebSocket(socketUrl(this.path, this.lastSeq, this.opened));
    this.socket = socket;
    socket.addEventListener("open", function () {
      self.opened = true;
      self.attempts = 0;
      self.setStatus(t("connected"));
    });
    socket.addEventListener("message", function (event) {
      var data;
      try {
        data = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      self.handle_(data);
    });
    socket.addEventListener("close", function (event) {
      if (self.socket !== socket) return;
      self.socket = null;
      if (self.stopped) return;
      if (event.code === 4403 || event.code === 4410) {
        self.stop(event.code === 4410 ? t("closed") : t("cannot_join"));
        return;
      }
      if (event.code === 4429) {
        self.stop(t("too_many"));
        return;
      }
      if (event.code === 4408) {
        // Dropped for falling behind: come back at once from the last message shown.
        self.setStatus(t("catching_up"));
        self.connect();
        return;
      }
      self.attempts += 1;
      var delay = Math.min(MAX_BACKOFF_MS, 500 * Math.pow(2, self.attempts - 1));
      delay = delay / 2 + Math.random() * delay / 2;
      self.setStatus(t("reconnecting"));
      window.setTimeout(function () { self.connect(); }, delay);
    });
  };

  Room.prototype.stop = function (text) {
    this.stopped = true;
    this.setStatus(text);
    if (this.form) {
      this.input.disabled = true;
      this.form.querySelector("button").disabled = true;
    }
    if (this.socket) this.socket.close();
  };

  Room.prototype.send = function () {
    var body = this.input.value.trim();
    if (!body) {
      this.showError(t("write_first"));
      return;
    }
    if (!this.isOpen()) {
      // The text stays in the box: nothing is lost while offline.
      this.showError(t("offline"));
      return;
    }
    // Sending the same text again after a dropped connection reuses its id, so the
    // server answers with the message it may already have stored instead of a copy.
    var clientId = null;
    for (var id in this.pending) {
      if (this.pending[id] === this.input.value) clientId = id;
    }
    if (clientId === null) {
      clientId = String(Date.now()) + "-" + Math.random().toString(36).slice(2, 8);
    }
    this.pending[clientId] = this.input.value;
    this.socket.send(JSON.stringify({ type: "message", body: body, client_id: clientId }));
  };

  Room.prototype.handle_ = function (data) {
    switch (data.type) {
      case "message": this.addMessage(data); break;
      case "hidden": this.hideMessage(data); break;
      case "ack": this.acked(data); break;
      case "error":
        delete this.pending[data.client_id];
        this.showError(data.detail);
        break;
      case "presence": this.showPresence(data.handles || []); break;
      case "typing": this.showTyping(data.handle); break;
      case "event":
        this.root.dispatchEvent(new CustomEvent("room:event", { detail: data.event, bubbles: true }));
        break;
      case "support": this.showSupport(); break;
      case "support_dismissed": this.hideSupport(); break;
      case "closed": this.stop(t("closed")); break;
      case "removed": this.stop(data.reason || t("removed")); break;
      default: break;
    }
  };

  Room.prototype.acked = function (data) {
    var sent = this.pending[data.client_id];
    delete this.pending[data.client_id];
    // Clear the box only if it still holds what was sent (not something typed since).
    if (sent !== undefined && this.input.value === sent) this.input.value = "";
    this.showError("");
  };

  Room.prototype.bindEarlier = function () {
    var self = this;
    if (!this.earlier) return;
    this.earlier.addEventListener("click", function () { self.loadEarlier(); });
  };

  Room.prototype.oldestSeq = function () {
    var first = this.list.firstElementChild;
    return first ? Number(first.getAttribute("data-seq")) : 0;
  };

  // The button shows while the oldest message shown is not the room's first.
  Room.prototype.updateEarlier = function () {
    if (!this.earlier) return;
    this.earlier.hidden = this.noEarlier || this.oldestSeq() <= 1;
  };

  Room.prototype.loadEarlier = function () {
    var self = this;
    var before = this.oldestSeq();
    if (!this.historyUrl || before <= 1) return;
    var url = new URL(this.historyUrl, window.location.href);
    url.searchParams.set("before", String(before));
    url.searchParams.set("limit", String(RECENT));
    this.earlier.disabled = true;
    fetch(url.toString(), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        var messages = data.messages || [];
        for (var i = messages.length - 1; i >= 0; i--) self.addMessage(messages[i], true);
        if (messages.length < RECENT) self.noEarlier = true;
        self.earlier.disabled = false;
        self.updateEarlier();
        if (!self.earlier.hidden) self.earlier.focus();
        self.setStatus(messages.length ? t("earlier_loaded") : t("no_earlier"));
      })
      .catch(function () {
        self.earlier.disabled = false;
        self.setStatus(t("earlier_failed"));
      });
  };

  Room.prototype.addMessage = function (m, earlier) {
    if (m.replaces !== undefined) {
      var old = this.list.querySelector('[data-seq="' + Number(m.replaces) + '"]');
      if (old) old.remove();
    }
    if (this.seen[m.seq]) return;
    this.seen[m.seq] = true;
    if (m.author && this.typingHandle === m.author) {
      // They sent what they were typing.
      window.clearTimeout(this.typingTimer);
      this.typing.textContent = "";
      this.typingHandle = null;
    }
    if (!earlier && m.seq > this.lastSeq) this.lastSeq = m.seq;
    var item = el("li", "room-message" + (m.kind === "system" ? " system" : "") + (m.held ? " held" : ""));
    item.setAttribute("data-seq", String(m.seq));
    var meta = el("p", "meta");
    var who = m.author === null ? "Kindred" : (m.author === this.handle ? t("you") : m.author);
    meta.appendChild(el("span", "author", who));
    var time = el("time", "", "");
    time.setAttribute("datetime", m.created_at);
    time.textContent = " · " + new Date(m.created_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    meta.appendChild(time);
    if (m.held) meta.appendChild(el("span", "held-note", t("held")));
    if (m.hidden) meta.appendChild(el("span", "held-note", t("hidden")));
    item.appendChild(meta);
    item.appendChild(el("p", "body", m.body));
    // Keep seq order even if a message arrives after a later one.
    var next = null;
    var items = this.list.children;
    for (var i = items.length - 1; i >= 0; i--) {
      if (Number(items[i].getAttribute("data-seq")) > m.seq) next = items[i];
      else break;
    }
    this.list.insertBefore(item, next);
    if (!next) this.list.scrollTop = this.list.scrollHeight;
    this.updateEarlier();
  };

  // A moderator hid a message: it leaves everyone's page but its writer's, where it
  // stays with a note (the writer's history shows it the same way).
  Room.prototype.hideMessage = function (data) {
    var item = this.list.querySelector('[data-seq="' + Number(data.seq) + '"]');
    if (!item) return;
    if (data.author !== this.handle) {
      item.remove();
      return;
    }
    var meta = item.querySelector(".meta");
    if (meta && !item.classList.contains("hidden-by-moderator")) {
      meta.appendChild(el("span", "held-note", t("hidden")));
    }
    item.classList.add("hidden-by-moderator");
  };

  Room.prototype.showPresence = function (handles) {
    var self = this;
    this.presence.textContent = "";
    handles.forEach(function (h) {
      self.presence.appendChild(el("li", "", h === self.handle ? t("present_you", { handle: h }) : h));
    });
  };

  Room.prototype.showTyping = function (handle) {
    var self = this;
    this.typingHandle = handle;
    this.typing.textContent = t("typing", { handle: handle });
    window.clearTimeout(this.typingTimer);
    this.typingTimer = window.setTimeout(function () { self.typing.textContent = ""; }, TYPING_SHOW_MS);
  };

  // The writer's crisis support. The page renders it (server side) when it is
  // already showing, and keeps a copy in a <template> for the live "support" event,
  // so the panel is the same after a reload. It stays until the writer hides it:
  // the server remembers, so hiding it here hides it on their other pages too.
  Room.prototype.showSupport = function () {
    var template = this.root.querySelector("[data-room-support-template]");
    if (!this.support || !template) return;
    var panel = template.content.firstElementChild;
    if (!panel) return;
    panel = panel.cloneNode(true);
    // Arriving live, it is announced at once; rendered on load, it is simply there.
    panel.setAttribute("role", "alert");
    this.support.textContent = "";
    this.support.appendChild(panel);
  };

  Room.prototype.hideSupport = function () {
    if (this.support) this.support.textContent = "";
  };

  Room.prototype.bindSupport = function () {
    var self = this;
    if (!this.support) return;
    // Without this the form still works: a plain POST that returns to this page.
    this.support.addEventListener("submit", function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-support-dismiss")) return;
      event.preventDefault();
      var button = form.querySelector("button");
      if (button) button.disabled = true;
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        self.hideSupport();
        if (self.input) self.input.focus();
      }).catch(function () {
        form.submit();
      });
    });
  };

  function start() {
    var roots = document.querySelectorAll("[data-room]");
    for (var i = 0; i < roots.length; i++) new Room(roots[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

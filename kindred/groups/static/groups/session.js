// Group session page: react to the room engine's custom events ("room:event",
// detail = the event dict) so everyone sees the facilitator's changes at once.
(function () {
  "use strict";

  var body = document.body;
  if (!body || body.dataset.page !== "group-session") return;
  var me = body.dataset.me || "";
  var t = window.kindredStrings("groups");  // app.js, loaded first

  function byId(id) { return document.getElementById(id); }

  function showHands(queue) {
    var list = byId("hand-queue");
    var empty = byId("hand-queue-empty");
    if (!list) return;
    list.textContent = "";
    queue.forEach(function (handle) {
      var item = document.createElement("li");
      item.textContent = handle;
      list.appendChild(item);
    });
    if (empty) empty.hidden = queue.length > 0;
  }

  function setStatus(handle, text) {
    var rows = document.querySelectorAll("#participants tr[data-handle]");
    Array.prototype.forEach.call(rows, function (row) {
      if (row.dataset.handle === handle) {
        var cell = row.querySelector(".status");
        if (cell) cell.textContent = text;
      }
    });
  }

  function notice(text) {
    var region = byId("live-events");
    if (!region) return;
    var item = document.createElement("p");
    item.className = "message info";
    item.textContent = text;
    region.appendChild(item);
  }

  // A crisis line as the facilitator sees it: numbers are tel:/sms: links, so they can
  // be used (or passed on) at one tap.
  function link(text, href) {
    var a = document.createElement("a");
    a.href = href;
    a.className = "tel";
    a.textContent = text;
    return a;
  }

  function lineItem(line) {
    var item = document.createElement("li");
    if (line.phone) {
      var phone = line.phone_uri ? link(line.phone, line.phone_uri) : line.phone;
      item.appendChild(t.nodes("line_call", { line: line.name, phone: phone }));
    } else {
      item.appendChild(document.createTextNode(line.name));
    }
    if (line.text) {
      item.appendChild(document.createTextNode(" · "));
      item.appendChild(line.sms_uri ? link(line.text, line.sms_uri) : document.createTextNode(line.text));
    }
    if (line.hours) item.appendChild(document.createTextNode(" (" + line.hours + ")"));
    return item;
  }

  function showRisk(event) {
    var panel = byId("risk-alerts");
    var list = byId("risk-alert-list");
    if (!panel || !list) return;
    var box = document.createElement("div");
    var lead = document.createElement("p");
    lead.textContent = t("risk_" + event.level, { handle: event.handle });
    box.appendChild(lead);
    var steps = document.createElement("ol");
    // The steps in the facilitator's language, from the page (the event carries them
    // in the writer's).
    for (var n = 1; t.has("risk_step_" + n); n++) {
      var item = document.createElement("li");
      item.textContent = t("risk_step_" + n);
      steps.appendChild(item);
    }
    box.appendChild(steps);
    if (event.reach_out_url) {
      // A new tab: the facilitator stays in the room while they write.
      var write = document.createElement("a");
      write.href = event.reach_out_url;
      write.target = "_blank";
      write.rel = "noopener";
      write.className = "button";
      write.textContent = t("write_privately", { handle: event.handle });
      var writeLine = document.createElement("p");
      writeLine.appendChild(write);
      box.appendChild(writeLine);
    }
    [event.country, event.anywhere].forEach(function (country) {
      if (!country) return;
      var heading = document.createElement("p");
      var emergency = (country.emergency || []).map(function (number) {
        return link(number.label, number.uri);
      });
      if (emergency.length) {
        // "112 or 999": each number stays a tel: link inside the translated words.
        var numbers = emergency.reduce(function (first, second) {
          return t.nodes("emergency_or", { first: first, second: second });
        });
        heading.appendChild(t.nodes("crisis_lines_emergency", { country: country.name, numbers: numbers }));
      } else {
        heading.textContent = t("crisis_lines", { country: country.name });
      }
      box.appendChild(heading);
      var lines = document.createElement("ul");
      (country.lines || []).forEach(function (line) {
        lines.appendChild(lineItem(line));
      });
      box.appendChild(lines);
    });
    var help = document.createElement("a");
    help.href = event.help_url || "/help/";
    help.textContent = t("get_help");
    box.appendChild(help);
    list.insertBefore(box, list.firstChild);
    panel.hidden = false;
  }

  document.addEventListener("room:event", function (domEvent) {
    var event = domEvent.detail || {};
    switch (event.type) {
      case "hands.changed":
        showHands(event.queue || []);
        if (event.turn && event.turn === me) notice(t("your_turn"));
        break;
      case "norms.pinned":
        var norms = byId("pinned-norms");
        if (norms) norms.hidden = false;
        break;
      case "participant.checked_in":
        setStatus(event.handle, t("checked_in"));
        break;
      case "participant.muted":
      case "participant.unmuted":
        var muted = event.type === "participant.muted";
        setStatus(event.handle, muted ? t("muted") : t("checked_in"));
        if (event.handle === me) {
          notice(muted ? t("you_are_muted") : t("you_can_write"));
        }
        break;
      case "risk.detected":
        showRisk(event);
        break;
      case "session.cancelled":
        notice(t("cancelled"));
        window.setTimeout(function () { window.location.reload(); }, 1500);
        break;
      case "session.ended":
        notice(t("ended"));
        window.setTimeout(function () { window.location.reload(); }, 1500);
        break;
    }
  });
})();

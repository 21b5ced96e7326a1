// Group session page: react to the room engine's custom events ("room:event",
// detail = the event dict) so everyone sees the facilitator's changes at once.
(function () {
  "use strict";

  var body = document.body;
  if (!body || body.dataset.page !== "group-session") return;
  var me = body.dataset.me || "";

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
    item.appendChild(document.createTextNode(line.name));
    if (line.phone) {
      item.appendChild(document.createTextNode(" · call "));
      item.appendChild(line.phone_uri ? link(line.phone, line.phone_uri) : document.createTextNode(line.phone));
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
    lead.textContent = event.handle + " wrote something that suggests " + event.level +
      " risk. Only you and the moderators are told.";
    box.appendChild(lead);
    var steps = document.createElement("ol");
    (event.steps || []).forEach(function (step) {
      var item = document.createElement("li");
      item.textContent = step;
      steps.appendChild(item);
    });
    box.appendChild(steps);
    if (event.reach_out_url) {
      // A new tab: the facilitator stays in the room while they write.
      var write = document.createElement("a");
      write.href = event.reach_out_url;
      write.target = "_blank";
      write.rel = "noopener";
      write.className = "button";
      write.textContent = "Write to " + event.handle + " privately";
      var writeLine = document.createElement("p");
      writeLine.appendChild(write);
      box.appendChild(writeLine);
    }
    [event.country, event.anywhere].forEach(function (country) {
      if (!country) return;
      var heading = document.createElement("p");
      heading.textContent = "Crisis lines: " + country.name;
      var emergency = country.emergency || [];
      if (emergency.length) {
        heading.appendChild(document.createTextNode(" (emergency "));
        emergency.forEach(function (number, index) {
          if (index) heading.appendChild(document.createTextNode(" or "));
          heading.appendChild(link(number.label, number.uri));
        });
        heading.appendChild(document.createTextNode(")"));
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
    help.textContent = "Get help now page";
    box.appendChild(help);
    list.insertBefore(box, list.firstChild);
    panel.hidden = false;
  }

  document.addEventListener("room:event", function (domEvent) {
    var event = domEvent.detail || {};
    switch (event.type) {
      case "hands.changed":
        showHands(event.queue || []);
        if (event.turn && event.turn === me) notice("It's your turn to speak.");
        break;
      case "norms.pinned":
        var norms = byId("pinned-norms");
        if (norms) norms.hidden = false;
        break;
      case "participant.checked_in":
        setStatus(event.handle, "Checked in");
        break;
      case "participant.muted":
      case "participant.unmuted":
        var muted = event.type === "participant.muted";
        setStatus(event.handle, muted ? "Muted" : "Checked in");
        if (event.handle === me) {
          notice(muted ? "The facilitator has muted you." : "You can write again.");
        }
        break;
      case "risk.detected":
        showRisk(event);
        break;
      case "session.cancelled":
        notice("This session has been cancelled.");
        window.setTimeout(function () { window.location.reload(); }, 1500);
        break;
      case "session.ended":
        notice("The session has ended. Thank you for being here.");
        window.setTimeout(function () { window.location.reload(); }, 1500);
        break;
    }
  });
})();

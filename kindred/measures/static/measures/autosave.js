// Whole-form questionnaires save each answer as it is given, so closing the tab or
// losing the connection never loses answers. Without this file the "Save and
// finish later" button does the same on request.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) return;
  var status = form.querySelector("[data-autosave-status]");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]");
  var pending = null;
  // The words shown, in the reader's language ({% script_strings "measures" %}).
  var t = window.kindredStrings("measures");  // app.js, loaded first

  function say(text) {
    if (status) status.textContent = text;
  }

  function save() {
    pending = null;
    var data = new FormData(form);
    data.delete("action");
    fetch(form.dataset.autosave, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "" },
    })
      .then(function (response) {
        if (response.ok) {
          say(t("saved"));
        } else if (response.status === 422) {
          say(t("invalid"));
        } else {
          say(t("not_saved"));
        }
      })
      .catch(function () {
        say(t("offline"));
      });
  }

  form.addEventListener("change", function () {
    // Coalesce quick successive clicks into one request.
    if (pending) window.clearTimeout(pending);
    pending = window.setTimeout(save, 400);
  });
})();

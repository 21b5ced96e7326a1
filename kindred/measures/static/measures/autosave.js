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
          say("Answers saved.");
        } else if (response.status === 422) {
          say("Some answers could not be saved: please check them.");
        } else {
          say("Not saved just now. Your answers stay on this page.");
        }
      })
      .catch(function () {
        say("Not saved just now (no connection). Your answers stay on this page.");
      });
  }

  form.addEventListener("change", function () {
    // Coalesce quick successive clicks into one request.
    if (pending) window.clearTimeout(pending);
    pending = window.setTimeout(save, 400);
  });
})();

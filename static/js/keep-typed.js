/* Nianbao: what was typed in a form is not lost when the session ended before it was sent.
 *
 * A form marked data-keep-typed="<state>" keeps what was typed in this tab when it is sent. If the
 * session had ended, the server sends the person to the login page, which says so (a message marked
 * data-kind="session-ended": config/middleware.py SignInAgainMiddleware) and then back to the page
 * the form is on; if its token had gone stale, the expired page leads back there (data-form-not-done:
 * 403_csrf.html), or, sent by htmx, the page is loaded again. There the form is put back as it was sent, if it is shown for the same state (the
 * report's status: not once someone else has acted), however many tries the login took. Any other page
 * load forgets what was kept, so a form sent and done is never filled again. Passwords and files are never
 * kept. A page whose form draws fields as needed (the return's comment rows) adds them when asked by
 * the event "nianbao:field-needed" (detail: the field's name). No inline script (CSP). */
(function () {
  "use strict";
  var PREFIX = "nianbao:typed:";
  var NOT_DONE = "nianbao:typed-not-done";  // a page said the form was not done: put it back on the next
  var PUT_BACK = "已恢复您刚才填写的内容（尚未提交成功），请核对后再点一次按钮。";

  function storage() { try { return window.sessionStorage; } catch (e) { return null; } }
  var store = storage();
  if (!store) return;
  function keyOf(form) { return PREFIX + form.getAttribute("action"); }
  function kept(field) {
    return field.name && field.name !== "csrfmiddlewaretoken" && !field.disabled &&
      ["password", "file", "hidden", "submit", "button"].indexOf(field.type) < 0;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-keep-typed")) return;
    var entries = [];
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!kept(field) || ((field.type === "checkbox" || field.type === "radio") && !field.checked)) return;
      entries.push([field.name, field.value]);
    });
    try { store.setItem(keyOf(form), JSON.stringify({ state: form.dataset.keepTyped, entries: entries })); } catch (e) { /* full */ }
  });

  function notDone() { try { store.setItem(NOT_DONE, "1"); } catch (e) { /* storage off */ } }

  /* Sent by htmx and answered in place: done, or refused with what was typed still in the page. A stale
   * token (403) can only be mended by loading the page again: that load puts the form back. */
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form || !form.hasAttribute("data-keep-typed") || event.detail.xhr.getResponseHeader("HX-Redirect")) return;
    if (event.detail.xhr.status === 403) notDone();
    else store.removeItem(keyOf(form));
  });

  /* The form as it was sent: every field it kept, ticked or typed, as it was (the page shows the form
   * afresh, so what the server put there is what the person had changed). */
  function putBack(form, item) {
    var values = {};
    item.entries.forEach(function (entry) {
      if (!form.elements[entry[0]]) form.dispatchEvent(new CustomEvent("nianbao:field-needed", { detail: { name: entry[0] } }));
      (values[entry[0]] = values[entry[0]] || []).push(entry[1]);
    });
    var changed = false;
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!kept(field)) return;
      var typed = values[field.name] || [];
      if (field.type === "checkbox" || field.type === "radio") {
        var checked = typed.indexOf(field.value) >= 0;
        if (field.checked !== checked) { field.checked = checked; changed = true; }
      } else if (field.name in values && field.value !== typed[0]) {
        field.value = typed[0];
        changed = true;
      }
    });
    return changed;
  }

  function onLoad() {
    // A page saying the form was not done: the login's message, or the expired page (403_csrf.html).
    if (document.querySelector('#messages [data-kind~="session-ended"], [data-form-not-done]')) {
      notDone();
      return;  // what was kept waits for the page after this one
    }
    var pending = store.getItem(NOT_DONE);
    if (pending && document.querySelector("[data-signing-in]")) return;  // the login page, shown again (a mistyped password)
    var restored = false;
    if (pending) {
      document.querySelectorAll("form[data-keep-typed]").forEach(function (form) {
        var item;
        try { item = JSON.parse(store.getItem(keyOf(form)) || "null"); } catch (e) { item = null; }
        if (item && item.state === form.dataset.keepTyped && putBack(form, item)) restored = true;
      });
    }
    store.removeItem(NOT_DONE);
    Object.keys(store).forEach(function (key) { if (key.indexOf(PREFIX) === 0) store.removeItem(key); });
    var box = document.getElementById("messages");
    if (restored && box) {
      var note = document.createElement("div");
      note.className = "alert alert-info";
      note.textContent = PUT_BACK;
      box.appendChild(note);
    }
  }
  // After the page's own scripts, which may add the fields asked for.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", onLoad);
  else onLoad();
})();

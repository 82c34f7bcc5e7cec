/* Nianbao: the section entry form. This file makes the page object the parts share and wires the
 * page; the parts are loaded before it (templates/reports/section_edit.html), each a factory in
 * window.NianbaoEntryParts that installs its functions on the page object:
 *   entry-live.js      live parsing, totals and rule messages (format definition via rules.js),
 *                      field errors and character counts;
 *   entry-draft.js     the draft in this browser (localStorage) and its recovery;
 *   entry-autosave.js  the autosave (JSON post, three-way merge on the server, conflicts);
 *   entry-session.js   an expired sign-in: keep the text, sign in again, then save.
 * The grid's keys and pasting are grid.js. Nothing typed is lost: every change is kept in
 * localStorage (per person, report and section) until the server has stored it. When everything is
 * wired, <html> gets data-entry-ready (browser tests wait for it). No inline script (CSP). */
(function () {
  "use strict";
  var form = document.getElementById("section-form");
  var specNode = document.getElementById("format-json");
  var parts = window.NianbaoEntryParts;
  if (!form || !specNode || !window.NianbaoRules || !parts) return;
  var spec = JSON.parse(specNode.textContent);
  var ctxNode = document.getElementById("entry-context");
  var types = {};
  spec.cells.forEach(function (c) { types[c.id] = c.type; });

  var page = {
    form: form,
    spec: spec,
    ctx: ctxNode ? JSON.parse(ctxNode.textContent) : { values: {}, texts: {}, previous: null },
    R: window.NianbaoRules,
    types: types,
    editable: form.dataset.autosave === "on",
    textLimit: Number(form.dataset.textLimit) || 20000,
    statusNode: document.getElementById("autosave-status"),
    versionInput: document.getElementById("section-version"),
    messagesNode: document.getElementById("rule-messages"),
    conflictSlot: document.getElementById("conflict-slot"),
    sessionBox: document.getElementById("session-expired"),
    draftNote: document.getElementById("draft-note"),
    saveNotes: document.getElementById("save-notes"),
    draftKey: ["nianbao:draft", form.dataset.user, form.dataset.report, form.dataset.section].join(":"),
    dirty: false, stopped: false, signedOut: false, timer: null,
    baseline: {},         // field name -> its value as stored (when loaded, then after each save)
    serverMessages: {},   // field name -> why the server did not save it (until it is edited)
    keepMine: {},         // fields the person chose 保留我的 for, not yet saved
    restoredUndecided: {},  // open conflicts carried over in a restored draft
    inputs: function () { return Array.prototype.slice.call(form.querySelectorAll("input.cell-input")); },
    fields: function () {
      return Array.prototype.slice.call(form.querySelectorAll("input.cell-input, textarea.text-input"));
    },
    fieldKey: function (el) { return el.name.slice(5); },  // "cell:s3.R1.A" / "text:s3.note"
    fieldFor: function (key) { return form.elements["cell:" + key] || form.elements["text:" + key] || null; }
  };
  var conflictSlot = page.conflictSlot;
  page.fields().forEach(function (el) { page.baseline[el.name] = el.value; });
  // A page shown with open conflicts holds the person's text; what is stored is the other one.
  conflictSlot.querySelectorAll('[data-conflict] button[data-choice="theirs"]').forEach(function (button) {
    var el = page.fieldFor(button.closest("[data-conflict]").dataset.conflict);
    if (el) page.baseline[el.name] = button.dataset.theirs || "";
  });

  parts.live(page);
  parts.draft(page);
  parts.autosave(page);
  parts.session(page);

  // --- the grid (grid.js) filled a block pasted from Excel or WPS: save it like typing ---------
  form.addEventListener("grid:filled", function (event) {
    event.detail.inputs.forEach(function (input) { delete page.serverMessages[input.name]; });
    changed();
  });

  form.querySelectorAll("textarea.text-input").forEach(page.count);

  // --- typing: show it, keep it in the browser draft, save it soon ---------------------------
  function changed() {
    page.dirty = true;
    page.refresh();
    if (!page.editable) return;
    page.writeDraft();
    page.setStatus(page.signedOut ? "登录已过期：内容已暂存在本机浏览器，尚未保存" : "有未保存的修改");
    page.schedule();
  }

  form.addEventListener("input", function (event) {
    delete page.serverMessages[event.target.name];
    if (event.target.tagName === "TEXTAREA") page.count(event.target);
    changed();
  });

  // --- choosing between mine and theirs ----------------------------------------------------
  conflictSlot.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-choice]");
    if (!button || !page.editable) return;
    event.preventDefault();
    var row = button.closest("[data-conflict]");
    var key = row.dataset.conflict;
    var el = page.fieldFor(key);
    if (button.dataset.choice === "theirs") {
      if (el) { el.value = button.dataset.theirs || ""; if (el.tagName === "TEXTAREA") page.count(el); }
    } else {
      page.keepMine[key] = true;
    }
    delete page.restoredUndecided[key];
    row.remove();
    if (!conflictSlot.querySelector("[data-conflict]")) conflictSlot.textContent = "";
    page.dirty = true;
    page.refresh();
    page.save();
  });

  form.addEventListener("submit", function () { page.dirty = false; clearTimeout(page.timer); page.stopped = true; });
  window.addEventListener("beforeunload", function (event) {
    if (page.dirty && page.editable) { event.preventDefault(); event.returnValue = ""; }
  });
  setInterval(function () { if (page.dirty) page.save(); }, 30000);
  window.NianbaoEntry = { save: page.save, refresh: page.refresh };
  document.documentElement.setAttribute("data-entry-ready", "");  // tests wait for it (no eval: CSP)
  page.refresh();
  if (!page.editable) page.mentionDraft();
  else if (page.restoreDraft()) { page.refresh(); page.save(); }
})();

/* Nianbao, section entry form: the draft in this browser. Nothing typed is lost: every change (and
 * every conflict not yet decided) is kept in localStorage, per person, report and section, until the
 * server has stored it; a page opened again restores it and saves it from the version it was typed
 * on, and a read-only page says that one is kept. Installs page.undecided, page.writeDraft,
 * page.mentionDraft and page.restoreDraft on the page object made by entry.js (loaded last).
 * No inline script (CSP). */
(function () {
  "use strict";
  var parts = window.NianbaoEntryParts = window.NianbaoEntryParts || {};

  parts.draft = function (page) {
    var form = page.form, conflictSlot = page.conflictSlot, versionInput = page.versionInput;
    var draftNote = page.draftNote, draftKey = page.draftKey;
    var baseline = page.baseline, restoredUndecided = page.restoredUndecided;

    function undecided() {
      var keys = Object.keys(restoredUndecided);
      conflictSlot.querySelectorAll("[data-conflict]").forEach(function (row) {
        if (keys.indexOf(row.dataset.conflict) < 0) keys.push(row.dataset.conflict);
      });
      return keys;
    }

    function writeDraft() {
      if (!page.editable) return;
      var changes = {};
      page.fields().forEach(function (el) { if (el.value !== baseline[el.name]) changes[el.name] = el.value; });
      var open = undecided();
      try {
        if (!Object.keys(changes).length && !open.length) window.localStorage.removeItem(draftKey);
        else window.localStorage.setItem(draftKey, JSON.stringify({
          version: Number(versionInput.value), fields: changes, undecided: open, at: Date.now()
        }));
      } catch (e) { /* storage full or disabled: the page still holds the text */ }
    }

    function readDraft() {
      var draft = null;
      try { draft = JSON.parse(window.localStorage.getItem(draftKey) || "null"); } catch (e) { draft = null; }
      return draft && typeof draft.fields === "object" && draft.fields ? draft : null;
    }

    // A read-only page (submitted meanwhile) cannot save a draft; it says that one is kept.
    function mentionDraft() {
      var draft = readDraft();
      if (!draft) return;
      var kept = Object.keys(draft.fields).filter(function (name) {
        var el = form.elements[name];
        return el && el.value !== draft.fields[name];
      }).length;
      if (!kept) return;
      draftNote.textContent = "本机浏览器暂存有您尚未保存的内容（" + kept + " 处），但报告当前不能修改。" +
        "这些内容仍保留在本机，报告撤回或退回修改后再打开本页即可恢复并保存。";
      draftNote.classList.remove("d-none");
    }

    function restoreDraft() {
      var draft = readDraft();
      if (!draft) return false;
      var restored = 0;
      Object.keys(draft.fields).forEach(function (name) {
        var el = form.elements[name];
        if (el && el.value !== draft.fields[name]) { el.value = draft.fields[name]; restored++; }
      });
      if (!restored) { writeDraft(); return false; }  // already stored (e.g. by the 保存 button)
      (draft.undecided || []).forEach(function (key) { restoredUndecided[key] = true; });
      // The draft was typed on an older version: merging from there keeps others' later changes.
      if (typeof draft.version === "number" && draft.version < Number(versionInput.value)) versionInput.value = draft.version;
      form.querySelectorAll("textarea.text-input").forEach(page.count);
      draftNote.textContent = "已恢复您在本机暂存、尚未保存的内容（" + restored + " 处），正在保存…";
      draftNote.classList.remove("d-none");
      page.dirty = true;
      return true;
    }

    page.undecided = undecided;
    page.writeDraft = writeDraft;
    page.mentionDraft = mentionDraft;
    page.restoreDraft = restoreDraft;
  };
})();

/* Nianbao, section entry form: the autosave. It posts the form as JSON with the version the page was
 * loaded at; the server writes only what this person changed (a three-way merge) and answers with
 * what it stored, what it refused and why, and the fields changed by someone else too, which come
 * back side by side for the person to choose. A failed save keeps the draft (entry-draft.js) and is
 * retried; an expired sign-in goes to entry-session.js. Installs page.setStatus, page.csrfInput,
 * page.save and page.schedule on the page object made by entry.js (loaded last). No inline script (CSP). */
(function () {
  "use strict";
  var parts = window.NianbaoEntryParts = window.NianbaoEntryParts || {};

  parts.autosave = function (page) {
    var form = page.form, statusNode = page.statusNode, versionInput = page.versionInput;
    var conflictSlot = page.conflictSlot, draftNote = page.draftNote, saveNotes = page.saveNotes;
    var baseline = page.baseline, serverMessages = page.serverMessages;
    var keepMine = page.keepMine, restoredUndecided = page.restoredUndecided;
    var saving = false, csrfRetried = false;

    function setStatus(text) { if (statusNode) statusNode.textContent = text; }
    function clock() {
      var now = new Date();
      return String(now.getHours()).padStart(2, "0") + ":" + String(now.getMinutes()).padStart(2, "0");
    }
    function csrfInput() { return form.querySelector('[name="csrfmiddlewaretoken"]'); }

    function payload() {
      var body = { version: Number(versionInput.value), cells: {}, texts: {}, choices: {} };
      page.fields().forEach(function (el) {
        (el.name.indexOf("cell:") === 0 ? body.cells : body.texts)[page.fieldKey(el)] = el.value;
      });
      page.undecided().forEach(function (key) { body.choices[key] = ""; });
      Object.keys(keepMine).forEach(function (key) { body.choices[key] = "mine"; });
      return body;
    }

    function save() {
      if (!page.editable || page.stopped || saving || !page.dirty || page.signedOut) return Promise.resolve();
      saving = true;
      page.dirty = false;
      clearTimeout(page.timer);
      setStatus("正在保存…");
      var body = payload();
      var posted = {};
      page.fields().forEach(function (el) { posted[el.name] = el.value; });
      return fetch(form.action || window.location.href, {
        method: "POST", body: JSON.stringify(body), credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json",
                   "X-Requested-With": "fetch", "X-CSRFToken": csrfInput().value }
      }).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") < 0) return { status: response.status, body: null };
        return response.json().then(function (json) { return { status: response.status, body: json }; });
      }).then(function (res) {
        saving = false;
        if (res.status === 401 || (res.body && res.body.signed_out)) { page.dirty = true; return page.signOut(res.body); }
        if (!res.body) {
          page.dirty = true;
          page.writeDraft();
          if (res.status === 403 && !csrfRetried) { csrfRetried = true; return page.checkSession(); }  // a token from before a new sign-in
          setStatus("保存失败（服务器返回 " + res.status + "），稍后自动重试；内容已暂存在本机浏览器");
          return;
        }
        csrfRetried = false;
        if (!res.body.ok) {
          page.writeDraft();
          setStatus(res.body.message || "保存失败");
          if (res.status === 403) page.stopped = true;  // e.g. submitted by a colleague meanwhile
          return;
        }
        applyAnswer(res.body, body, posted);
      }).catch(function () {
        saving = false;
        page.dirty = true;
        page.writeDraft();
        setStatus("网络异常，稍后自动重试；内容已暂存在本机浏览器");
      });
    }

    function applyAnswer(answer, sent, posted) {
      versionInput.value = answer.version;
      Object.keys(sent.choices).forEach(function (key) {
        if (sent.choices[key] === "mine") delete keepMine[key];
        delete restoredUndecided[key];
      });
      conflictSlot.innerHTML = answer.conflict_html || "";  // rendered by the server, escaped there
      var open = answer.conflicts || [];
      Object.keys(posted).forEach(function (name) {
        var el = form.elements[name];
        var key = page.fieldKey(el);
        if (answer.refused[key]) { serverMessages[name] = answer.refused[key]; return; }
        delete serverMessages[name];
        if (open.indexOf(key) >= 0) return;  // stays as typed until the person chooses
        var stored = key in answer.merged ? answer.merged[key] : key in answer.cleaned ? answer.cleaned[key] : posted[name];
        if (el.value === posted[name]) el.value = stored;
        else page.dirty = true;  // typed while saving: saved next time
        baseline[name] = stored;
      });
      form.querySelectorAll("textarea.text-input").forEach(page.count);
      page.refresh();
      page.writeDraft();
      if (answer.notes && answer.notes.length) {
        saveNotes.textContent = answer.notes.join(" ");
        saveNotes.classList.remove("d-none");
      }
      var refused = Object.keys(answer.refused).length;
      var problems = [];
      if (open.length) problems.push("有 " + open.length + " 项与他人的修改不同，请在页面上方选择保留哪一份（选择前不会保存）");
      if (refused) problems.push("有 " + refused + " 项没有保存，请按提示修改");
      var unread = Object.keys(answer.errors).length;
      if (problems.length) {
        setStatus("其余内容已自动保存 " + clock() + "；" + problems.join("；"));
        if (open.length) { var box = document.getElementById("conflict"); if (box) box.focus(); }
      } else {
        setStatus("已自动保存 " + clock() + (unread ? "（" + unread + " 个单元格无法识别，已按原样保留）" : ""));
        if (!draftNote.classList.contains("d-none")) draftNote.textContent = "已恢复您在本机暂存的内容，并已保存。";
      }
      if (page.dirty) schedule();
    }

    function schedule() {
      clearTimeout(page.timer);
      page.timer = setTimeout(save, 1500);
    }

    page.setStatus = setStatus;
    page.csrfInput = csrfInput;
    page.save = save;
    page.schedule = schedule;
  };
})();

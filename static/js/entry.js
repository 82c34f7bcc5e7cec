/* Nianbao: the section entry form. Live totals and rule messages come from the format definition
 * (JSON, evaluated by rules.js); this file wires the page: character counts, autosave, conflicts and
 * an expired sign-in (the grid's keys and pasting are grid.js). Nothing typed is lost: every change
 * is kept in localStorage (per person, report and section) until the server has stored it; the
 * autosave posts the form with the version the page was loaded at, the server writes only what this
 * person changed (a three-way merge), and a field changed by someone else too comes back side by
 * side for the person to choose. No inline script (CSP). */
(function () {
  "use strict";
  var form = document.getElementById("section-form");
  var specNode = document.getElementById("format-json");
  if (!form || !specNode || !window.NianbaoRules) return;
  var spec = JSON.parse(specNode.textContent);
  var ctxNode = document.getElementById("entry-context");
  var ctx = ctxNode ? JSON.parse(ctxNode.textContent) : { values: {}, texts: {}, previous: null };
  var R = window.NianbaoRules;
  var types = {};
  spec.cells.forEach(function (c) { types[c.id] = c.type; });
  var editable = form.dataset.autosave === "on";
  var textLimit = Number(form.dataset.textLimit) || 20000;
  var statusNode = document.getElementById("autosave-status");
  var versionInput = document.getElementById("section-version");
  var messagesNode = document.getElementById("rule-messages");
  var conflictSlot = document.getElementById("conflict-slot");
  var sessionBox = document.getElementById("session-expired");
  var draftNote = document.getElementById("draft-note");
  var saveNotes = document.getElementById("save-notes");
  var draftKey = ["nianbao:draft", form.dataset.user, form.dataset.report, form.dataset.section].join(":");
  var dirty = false, saving = false, stopped = false, signedOut = false, csrfRetried = false, timer = null;
  var baseline = {};      // field name -> its value as stored (when loaded, then after each save)
  var serverMessages = {};  // field name -> why the server did not save it (until it is edited)
  var keepMine = {};      // fields the person chose 保留我的 for, not yet saved
  var restoredUndecided = {};  // open conflicts carried over in a restored draft

  function inputs() { return Array.prototype.slice.call(form.querySelectorAll("input.cell-input")); }
  function fields() { return Array.prototype.slice.call(form.querySelectorAll("input.cell-input, textarea.text-input")); }
  function fieldKey(el) { return el.name.slice(5); }  // "cell:s3.R1.A" / "text:s3.note"
  function fieldFor(key) { return form.elements["cell:" + key] || form.elements["text:" + key] || null; }
  fields().forEach(function (el) { baseline[el.name] = el.value; });
  // A page shown with open conflicts holds the person's text; what is stored is the other one.
  conflictSlot.querySelectorAll('[data-conflict] button[data-choice="theirs"]').forEach(function (button) {
    var el = fieldFor(button.closest("[data-conflict]").dataset.conflict);
    if (el) baseline[el.name] = button.dataset.theirs || "";
  });

  // --- live parsing, totals and rules ------------------------------------------------------
  function currentValues() {
    var values = Object.assign({}, ctx.values || {});
    var bad = {};
    inputs().forEach(function (input) {
      var id = input.dataset.cell;
      var parsed = R.parseCell(spec, types[id], input.value);
      if (parsed.error) { bad[id] = parsed.error; delete values[id]; }
      else if (parsed.value === null) { delete values[id]; }
      else { values[id] = parsed.value; }
    });
    return { values: values, bad: bad };
  }

  function currentTexts() {
    var texts = Object.assign({}, ctx.texts || {});
    form.querySelectorAll("textarea.text-input").forEach(function (t) { texts[fieldKey(t)] = t.value; });
    return texts;
  }

  function showFieldError(el, message) {
    var feedback = form.querySelector('[data-error-for="' + fieldKey(el) + '"]');
    el.classList.toggle("is-invalid", Boolean(message));
    if (message) el.setAttribute("aria-invalid", "true"); else el.removeAttribute("aria-invalid");
    if (!feedback) return;
    feedback.textContent = message || "";
    var described = (el.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
      return id && id !== feedback.id;
    });
    if (message) described.push(feedback.id);
    if (described.length) el.setAttribute("aria-describedby", described.join(" "));
    else el.removeAttribute("aria-describedby");
  }

  function length(text) { return Array.from(text).length; }

  function textMessage(textarea) {
    var n = length(textarea.value);
    if (n > textLimit) return "最多 " + textLimit + " 字，现有 " + n + " 字；超出上限的这一段不会保存，请删减。";
    return serverMessages[textarea.name] || "";
  }

  function onSection(ids) {
    return ids.some(function (id) { return form.querySelector('[data-cell="' + id + '"]'); });
  }

  // A rule on a part's writing (五 too short, 六 silent on 信息处理费) shows where that part is typed.
  var writingParts = {};
  spec.rules.forEach(function (r) { if (r.kind === "writing") writingParts[r.id] = r.parts; });
  function onParts(ruleId) {
    return (writingParts[ruleId] || []).some(function (key) { return form.querySelector('[name="text:' + key + '"]'); });
  }

  function refresh() {
    var state = currentValues();
    inputs().forEach(function (input) {
      showFieldError(input, state.bad[input.dataset.cell] || serverMessages[input.name]);
    });
    form.querySelectorAll("textarea.text-input").forEach(function (t) { showFieldError(t, textMessage(t)); });
    var computed = R.compute(spec, state.values);
    form.querySelectorAll("output[data-cell]").forEach(function (out) {
      out.textContent = R.formatCell(types[out.dataset.cell], computed[out.dataset.cell]);
    });
    var results = R.evaluate(spec, computed, {
      previous: ctx.previous, previousVersion: ctx.previous_version, texts: currentTexts()
    });
    var fresh = document.createDocumentFragment();
    form.querySelectorAll(".rule-flag").forEach(function (n) { n.classList.remove("rule-flag", "rule-hard", "rule-soft"); });
    results.forEach(function (r) {
      if (r.ok || r.skipped) return;
      var mine = r.kind === "text" ? onSection(r.cells) || form.querySelector('textarea[name^="text:s1."]')
        : onSection(r.cells) || (r.kind === "writing" && onParts(r.rule_id));
      if (!mine) return;
      var div = document.createElement("div");
      div.className = "alert py-1 px-2 mb-1 small " + (r.severity === "hard" ? "alert-danger" : "alert-warning");
      div.dataset.rule = r.rule_id;
      div.textContent = (r.severity === "hard" ? "错误：" : "预警：") + r.message;
      fresh.appendChild(div);
      r.cells.forEach(function (id) {
        var node = form.querySelector('[data-cell="' + id + '"]');
        if (node) node.closest("td").classList.add("rule-flag", r.severity === "hard" ? "rule-hard" : "rule-soft");
      });
    });
    if (messagesNode) { messagesNode.textContent = ""; messagesNode.appendChild(fresh); }
  }

  // --- the grid (grid.js) filled a block pasted from Excel or WPS: save it like typing ---------
  form.addEventListener("grid:filled", function (event) {
    event.detail.inputs.forEach(function (input) { delete serverMessages[input.name]; });
    changed();
  });

  // --- character counts, with the limit -----------------------------------------------------
  function count(textarea) {
    var node = form.querySelector('[data-count-for="' + textarea.id + '"]');
    if (!node) return;
    var n = length(textarea.value);
    node.textContent = n + " / " + textLimit + " 字" + (n > textLimit ? "（超出 " + (n - textLimit) + " 字）" : "");
    node.classList.toggle("over-limit", n > textLimit);
  }
  form.querySelectorAll("textarea.text-input").forEach(count);

  // --- the draft in this browser --------------------------------------------------------------
  function undecided() {
    var keys = Object.keys(restoredUndecided);
    conflictSlot.querySelectorAll("[data-conflict]").forEach(function (row) {
      if (keys.indexOf(row.dataset.conflict) < 0) keys.push(row.dataset.conflict);
    });
    return keys;
  }

  function writeDraft() {
    if (!editable) return;
    var changes = {};
    fields().forEach(function (el) { if (el.value !== baseline[el.name]) changes[el.name] = el.value; });
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
    form.querySelectorAll("textarea.text-input").forEach(count);
    draftNote.textContent = "已恢复您在本机暂存、尚未保存的内容（" + restored + " 处），正在保存…";
    draftNote.classList.remove("d-none");
    dirty = true;
    return true;
  }

  // --- autosave ------------------------------------------------------------------------------
  function setStatus(text) { if (statusNode) statusNode.textContent = text; }
  function clock() {
    var now = new Date();
    return String(now.getHours()).padStart(2, "0") + ":" + String(now.getMinutes()).padStart(2, "0");
  }
  function csrfInput() { return form.querySelector('[name="csrfmiddlewaretoken"]'); }

  function payload() {
    var body = { version: Number(versionInput.value), cells: {}, texts: {}, choices: {} };
    fields().forEach(function (el) {
      (el.name.indexOf("cell:") === 0 ? body.cells : body.texts)[fieldKey(el)] = el.value;
    });
    undecided().forEach(function (key) { body.choices[key] = ""; });
    Object.keys(keepMine).forEach(function (key) { body.choices[key] = "mine"; });
    return body;
  }

  function save() {
    if (!editable || stopped || saving || !dirty || signedOut) return Promise.resolve();
    saving = true;
    dirty = false;
    clearTimeout(timer);
    setStatus("正在保存…");
    var body = payload();
    var posted = {};
    fields().forEach(function (el) { posted[el.name] = el.value; });
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
      if (res.status === 401 || (res.body && res.body.signed_out)) { dirty = true; return signOut(res.body); }
      if (!res.body) {
        dirty = true;
        writeDraft();
        if (res.status === 403 && !csrfRetried) { csrfRetried = true; return checkSession(); }  // a token from before a new sign-in
        setStatus("保存失败（服务器返回 " + res.status + "），稍后自动重试；内容已暂存在本机浏览器");
        return;
      }
      csrfRetried = false;
      if (!res.body.ok) {
        writeDraft();
        setStatus(res.body.message || "保存失败");
        if (res.status === 403) stopped = true;  // e.g. submitted by a colleague meanwhile
        return;
      }
      applyAnswer(res.body, body, posted);
    }).catch(function () {
      saving = false;
      dirty = true;
      writeDraft();
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
      var key = fieldKey(el);
      if (answer.refused[key]) { serverMessages[name] = answer.refused[key]; return; }
      delete serverMessages[name];
      if (open.indexOf(key) >= 0) return;  // stays as typed until the person chooses
      var stored = key in answer.merged ? answer.merged[key] : key in answer.cleaned ? answer.cleaned[key] : posted[name];
      if (el.value === posted[name]) el.value = stored;
      else dirty = true;  // typed while saving: saved next time
      baseline[name] = stored;
    });
    form.querySelectorAll("textarea.text-input").forEach(count);
    refresh();
    writeDraft();
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
    if (dirty) schedule();
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(save, 1500);
  }

  function changed() {
    dirty = true;
    refresh();
    if (!editable) return;
    writeDraft();
    setStatus(signedOut ? "登录已过期：内容已暂存在本机浏览器，尚未保存" : "有未保存的修改");
    schedule();
  }

  form.addEventListener("input", function (event) {
    delete serverMessages[event.target.name];
    if (event.target.tagName === "TEXTAREA") count(event.target);
    changed();
  });

  // --- choosing between mine and theirs ----------------------------------------------------
  conflictSlot.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-choice]");
    if (!button || !editable) return;
    event.preventDefault();
    var row = button.closest("[data-conflict]");
    var key = row.dataset.conflict;
    var el = fieldFor(key);
    if (button.dataset.choice === "theirs") {
      if (el) { el.value = button.dataset.theirs || ""; if (el.tagName === "TEXTAREA") count(el); }
    } else {
      keepMine[key] = true;
    }
    delete restoredUndecided[key];
    row.remove();
    if (!conflictSlot.querySelector("[data-conflict]")) conflictSlot.textContent = "";
    dirty = true;
    refresh();
    save();
  });

  // --- an expired sign-in: keep the text, sign in again, then save ------------------------
  function signOut(answer) {
    signedOut = true;
    writeDraft();
    if (answer && answer.login_url) document.getElementById("relogin-link").href = answer.login_url;
    var message = document.getElementById("session-expired-message");
    message.textContent = message.dataset.default;
    sessionBox.classList.remove("d-none");
    setStatus("登录已过期：内容已暂存在本机浏览器，尚未保存");
  }

  function checkSession() {
    return fetch(form.dataset.sessionUrl, { credentials: "same-origin", cache: "no-store",
                                            headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (!state.signed_in) {
          signOut(state);
          return;
        }
        if (String(state.user) !== form.dataset.user) {
          signedOut = true;
          document.getElementById("session-expired-message").textContent =
            "现在登录的是另一个账号（" + state.name + "），请退出后用原来的账号重新登录。";
          sessionBox.classList.remove("d-none");
          return;
        }
        csrfInput().value = state.csrf;  // signing in gave a new CSRF token
        signedOut = false;
        sessionBox.classList.add("d-none");
        dirty = true;
        return save();
      })
      .catch(function () { setStatus("网络异常，稍后自动重试；内容已暂存在本机浏览器"); });
  }

  document.getElementById("relogin-done").addEventListener("click", checkSession);
  window.addEventListener("storage", function (event) {  // the login tab says it is done
    if (event.key === "nianbao:signed-in" && signedOut) checkSession();
  });
  window.addEventListener("focus", function () { if (signedOut) checkSession(); });

  form.addEventListener("submit", function () { dirty = false; clearTimeout(timer); stopped = true; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && editable) { event.preventDefault(); event.returnValue = ""; }
  });
  setInterval(function () { if (dirty) save(); }, 30000);
  window.NianbaoEntry = { save: save, refresh: refresh };
  document.documentElement.setAttribute("data-entry-ready", "");  // tests wait for it (no eval: CSP)
  refresh();
  if (!editable) mentionDraft();
  else if (restoreDraft()) { refresh(); save(); }
})();

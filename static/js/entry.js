/* Nianbao: the section entry form. Live totals and rule messages come from the format definition
 * (rendered as JSON, evaluated by rules.js); this file only wires the page: keyboard moves,
 * pasting blocks from Excel/WPS, character counts and autosave. No inline script (CSP). */
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
  var statusNode = document.getElementById("autosave-status");
  var versionInput = document.getElementById("section-version");
  var messagesNode = document.getElementById("rule-messages");
  var sectionKey = (form.querySelector("[data-cell]") || form.querySelector("textarea") || {}).name;
  var dirty = false, saving = false, stopped = false, timer = null;

  function inputs() { return Array.prototype.slice.call(form.querySelectorAll("input.cell-input")); }

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
    form.querySelectorAll("textarea.text-input").forEach(function (t) { texts[t.name.slice(5)] = t.value; });
    return texts;
  }

  function showCellError(input, message) {
    var feedback = form.querySelector('[data-error-for="' + input.dataset.cell + '"]');
    input.classList.toggle("is-invalid", Boolean(message));
    if (message) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
    if (feedback) {
      feedback.textContent = message || "";
      if (message) input.setAttribute("aria-describedby", feedback.id);
    }
  }

  function onSection(ids) {
    return ids.some(function (id) { return form.querySelector('[data-cell="' + id + '"]'); });
  }

  function refresh() {
    var state = currentValues();
    inputs().forEach(function (input) { showCellError(input, state.bad[input.dataset.cell]); });
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
      var mine = r.kind === "text" ? onSection(r.cells) || form.querySelector('textarea[name^="text:s1."]') : onSection(r.cells);
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

  // --- keyboard: Enter / arrows move through the grid like a spreadsheet -----------------
  function grid(table) {
    return Array.prototype.map.call(table.tBodies[0].rows, function (tr) {
      return Array.prototype.map.call(tr.querySelectorAll("td.num"), function (td) {
        return td.querySelector("input.cell-input, output");
      });
    });
  }

  function position(input) {
    var table = input.closest("table");
    var g = grid(table);
    for (var r = 0; r < g.length; r++) {
      var c = g[r].indexOf(input);
      if (c >= 0) return { grid: g, row: r, col: c };
    }
    return null;
  }

  function moveVertically(input, step) {
    var p = position(input);
    if (!p) return;
    for (var r = p.row + step; r >= 0 && r < p.grid.length; r += step) {
      var target = p.grid[r][p.col];
      if (target && target.tagName === "INPUT") { target.focus(); target.select(); return; }
    }
  }

  form.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("cell-input")) return;
    if (event.key === "Enter" || event.key === "ArrowDown") {
      event.preventDefault();
      moveVertically(input, event.shiftKey && event.key === "Enter" ? -1 : 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      moveVertically(input, -1);
    }
  });

  // --- paste: a block copied from Excel or WPS fills the grid from the focused cell --------
  form.addEventListener("paste", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("cell-input")) return;
    var text = (event.clipboardData || window.clipboardData).getData("text");
    if (!/[\t\n]/.test(text.replace(/\r?\n$/, ""))) return;
    event.preventDefault();
    var p = position(input);
    var lines = text.replace(/\r/g, "").replace(/\n$/, "").split("\n");
    lines.forEach(function (line, i) {
      line.split("\t").forEach(function (value, j) {
        var row = p.grid[p.row + i];
        var target = row && row[p.col + j];
        if (target && target.tagName === "INPUT") target.value = value.trim();
      });
    });
    changed();
  });

  // --- character counts --------------------------------------------------------------------
  function count(textarea) {
    var node = form.querySelector('[data-count-for="' + textarea.id + '"]');
    if (node) node.textContent = textarea.value.replace(/\s/g, "").length + " 字";
  }
  form.querySelectorAll("textarea.text-input").forEach(count);

  // --- autosave ------------------------------------------------------------------------------
  function setStatus(text) { if (statusNode) statusNode.textContent = text; }

  function save() {
    if (!editable || stopped || saving || !dirty) return Promise.resolve();
    saving = true;
    dirty = false;
    setStatus("正在保存…");
    var data = new FormData(form);
    return fetch(form.action || window.location.href, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (res) {
      saving = false;
      if (res.status === 409) {
        stopped = true;
        var box = document.getElementById("autosave-conflict");
        box.textContent = "";
        var p = document.createElement("p");
        p.className = "fw-bold mb-1";
        p.textContent = res.body.message;
        box.appendChild(p);
        (res.body.changes || []).forEach(function (c) {
          var line = document.createElement("div");
          line.className = "small";
          line.textContent = c.label + "：" + (c.before || "（空）") + " → " + (c.after || "（空）");
          box.appendChild(line);
        });
        box.classList.remove("d-none");
        versionInput.value = res.body.version;
        setStatus("自动保存已暂停：本节已被他人修改");
        return;
      }
      if (!res.body.ok) { setStatus(res.body.message || "保存失败"); stopped = true; return; }
      versionInput.value = res.body.version;
      var now = new Date();
      setStatus("已自动保存 " + String(now.getHours()).padStart(2, "0") + ":" + String(now.getMinutes()).padStart(2, "0"));
    }).catch(function () {
      saving = false;
      dirty = true;
      setStatus("网络异常，稍后自动重试；内容仍在本页");
    });
  }

  function changed() {
    dirty = true;
    refresh();
    if (!editable) return;
    setStatus("有未保存的修改");
    clearTimeout(timer);
    timer = setTimeout(save, 1500);
  }

  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA") count(event.target);
    changed();
  });
  form.addEventListener("submit", function () { dirty = false; clearTimeout(timer); stopped = true; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && editable) { event.preventDefault(); event.returnValue = ""; }
  });
  setInterval(function () { if (dirty) save(); }, 30000);
  window.NianbaoEntry = { save: save, refresh: refresh };
  refresh();
})();

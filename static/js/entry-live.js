/* Nianbao, section entry form: what the page shows while the person types. Cells are parsed, totals
 * computed and rule messages shown from the format definition (JSON, evaluated by rules.js), with the
 * server's own messages for fields it did not save; text parts show their character count against
 * the limit. Installs page.refresh and page.count on the page object made by entry.js (loaded last).
 * No inline script (CSP). */
(function () {
  "use strict";
  var parts = window.NianbaoEntryParts = window.NianbaoEntryParts || {};

  parts.live = function (page) {
    var form = page.form, spec = page.spec, ctx = page.ctx, R = page.R, types = page.types;
    var textLimit = page.textLimit, messagesNode = page.messagesNode, serverMessages = page.serverMessages;

    function currentValues() {
      var values = Object.assign({}, ctx.values || {});
      var bad = {};
      page.inputs().forEach(function (input) {
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
      form.querySelectorAll("textarea.text-input").forEach(function (t) { texts[page.fieldKey(t)] = t.value; });
      return texts;
    }

    function showFieldError(el, message) {
      var feedback = form.querySelector('[data-error-for="' + page.fieldKey(el) + '"]');
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
      page.inputs().forEach(function (input) {
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

    // --- character counts, with the limit ---------------------------------------------------
    function count(textarea) {
      var node = form.querySelector('[data-count-for="' + textarea.id + '"]');
      if (!node) return;
      var n = length(textarea.value);
      node.textContent = n + " / " + textLimit + " 字" + (n > textLimit ? "（超出 " + (n - textLimit) + " 字）" : "");
      node.classList.toggle("over-limit", n > textLimit);
    }

    page.refresh = refresh;
    page.count = count;
  };
})();

/* Nianbao: the review page. Adds comment rows to the return form and lets a reviewer pick a
 * table cell of the document as a comment's target by clicking it. No inline script (CSP). */
(function () {
  "use strict";
  var SERVER_FAILED = "审核通过未执行：服务器暂时无法处理，请稍后再点“审核通过”。已勾选的事项和填写的意见都还在。";
  var PAGE_EXPIRED = "审核通过未执行：页面已过期（可能已在其他窗口退出或重新登录），请刷新页面后重试。";

  /* 审核通过 done in place (htmx): the keyboard goes on to the inbox; a failed request says so and
   * leaves the form as it was (the ticks and the opinion are kept in the page). */
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var next = document.querySelector("#review-next a");
    if (next && event.detail.target && event.detail.target.id === "review-actions") next.focus();
    if (!document.getElementById("comment-rows")) {
      document.querySelectorAll("#review-document td.comment-pickable").forEach(function (cell) {
        cell.classList.remove("comment-pickable");
        cell.removeAttribute("tabindex");
        cell.removeAttribute("title");
      });
    }
  });
  function failed(event) {
    if (!event.detail.elt || event.detail.elt.id !== "approve-form") return;
    var box = document.getElementById("messages");
    if (!box) return;
    var alert = document.createElement("div");
    alert.className = "alert alert-danger";
    alert.textContent = event.detail.xhr && event.detail.xhr.status === 403 ? PAGE_EXPIRED : SERVER_FAILED;
    box.replaceChildren(alert);
  }
  document.body.addEventListener("htmx:responseError", failed);
  document.body.addEventListener("htmx:sendError", failed);

  var rows = document.getElementById("comment-rows");
  var addButton = document.getElementById("add-comment");
  var MAX = 20;

  /* What was typed in 审核通过 and 退回修改 is kept in this tab when the form is sent, and put back when
   * the page is opened again for the same state of the report: a session that ended meanwhile sends
   * the form to the login page, which comes back here (config/middleware.py SignInAgainMiddleware).
   * Every load forgets it; an answer done in place (htmx) too. */
  var KEPT = ["approve-form", "return-form"];
  function keptKey(form) { return "nianbao:typed:" + form.getAttribute("action"); }
  function keep(form) {
    var entries = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && name !== "expected_status") entries.push([name, value]);
    });
    var state = form.elements.expected_status ? form.elements.expected_status.value : "";
    try { sessionStorage.setItem(keptKey(form), JSON.stringify({ state: state, entries: entries })); } catch (e) { /* storage full or off */ }
  }
  function putBack(form) {
    var kept;
    try {
      kept = JSON.parse(sessionStorage.getItem(keptKey(form)) || "null");
      sessionStorage.removeItem(keptKey(form));
    } catch (e) { return false; }
    var state = form.elements.expected_status ? form.elements.expected_status.value : "";
    if (!kept || kept.state !== state) return false;
    var ticked = form.querySelector("input[type=checkbox]:checked");
    var restored = false;
    kept.entries.forEach(function (entry) {
      var name = entry[0], value = entry[1];
      while (!form.elements[name] && /^comment_/.test(name) && rows && addRow()) { /* a row per kept comment */ }
      var field = form.elements[name];
      if (!field || !value) return;
      if (field.length !== undefined && field.tagName !== "SELECT") {  // the points: a group of checkboxes
        if (ticked) return;
        Array.prototype.forEach.call(field, function (box) { if (box.value === value) box.checked = true; });
        restored = true;
      } else if (field.type === "checkbox") {
        if (!ticked && field.value === value) { field.checked = true; restored = true; }
      } else if (!field.value) {
        field.value = value;
        restored = true;
      }
    });
    return restored;
  }
  var putBackAny = false;
  KEPT.forEach(function (id) {
    var form = document.getElementById(id);
    if (!form) return;
    if (putBack(form)) putBackAny = true;
  });
  if (putBackAny) {
    var box = document.getElementById("messages");
    if (box) {
      var note = document.createElement("div");
      note.className = "alert alert-info";
      note.textContent = "已恢复您登录前填写的内容（尚未提交），请核对后再点一次按钮。";
      box.appendChild(note);
    }
  }
  document.body.addEventListener("submit", function (event) {
    if (KEPT.indexOf(event.target.id) >= 0) keep(event.target);
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {  // answered in place: nothing to put back
    var form = event.detail.elt, xhr = event.detail.xhr;
    if (!form || KEPT.indexOf(form.id) < 0 || !event.detail.successful || xhr.getResponseHeader("HX-Redirect")) return;
    try { sessionStorage.removeItem(keptKey(form)); } catch (e) { /* storage off */ }
  });

  if (!rows) return;

  function allRows() { return Array.prototype.slice.call(rows.querySelectorAll(".comment-row")); }

  function addRow() {
    var existing = allRows();
    if (existing.length >= MAX) return null;
    var last = existing[existing.length - 1];
    var index = existing.length;
    var row = last.cloneNode(true);
    row.dataset.index = String(index);
    row.querySelectorAll("label, select, textarea").forEach(function (node) {
      if (node.tagName === "LABEL") {
        node.htmlFor = node.htmlFor.replace(/\d+$/, String(index));
        node.textContent = node.textContent.replace(/\d+$/, String(index + 1));
      } else {
        node.id = node.id.replace(/\d+$/, String(index));
        node.name = node.name.replace(/\d+$/, String(index));
        if (node.tagName === "TEXTAREA") node.value = "";
        else node.selectedIndex = 0;
      }
    });
    rows.appendChild(row);
    if (existing.length + 1 >= MAX && addButton) addButton.disabled = true;
    return row;
  }

  if (addButton) {
    addButton.addEventListener("click", function () {
      var row = addRow();
      if (row) row.querySelector("select").focus();
    });
  }

  function firstFreeRow() {
    var free = allRows().filter(function (row) { return !row.querySelector("textarea").value.trim(); });
    return free.length ? free[0] : addRow();
  }

  var documentNode = document.getElementById("review-document");
  if (!documentNode) return;
  documentNode.querySelectorAll("td[data-cell]").forEach(function (cell) {
    cell.classList.add("comment-pickable");
    cell.tabIndex = 0;
    cell.title = "点击为此单元格写意见";
    function pick() {
      if (!rows.isConnected) return;  // the return form is gone (approved in place)
      var row = firstFreeRow();
      if (!row) return;
      var select = row.querySelector("select");
      select.value = cell.dataset.cell;
      var text = row.querySelector("textarea");
      text.focus();
      row.scrollIntoView({ block: "center" });
    }
    cell.addEventListener("click", pick);
    cell.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); pick(); }
    });
  });
})();

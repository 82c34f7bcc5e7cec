/* Nianbao: the review page. Adds comment rows to the return form and lets a reviewer pick a
 * table cell of the document as a comment's target by clicking it. No inline script (CSP). */
(function () {
  "use strict";
  var SERVER_FAILED = "审核通过未执行：服务器暂时无法处理，请稍后再点“审核通过”。已勾选的事项和填写的意见都还在。";
  var PAGE_EXPIRED = "审核通过未执行：页面已过期（可能已在其他窗口退出或重新登录），请刷新页面后重试（已勾选的事项和填写的意见会自动恢复）。";

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

  /* What was typed is put back after a login (static/js/keep-typed.js): a row for each kept comment. */
  var returnForm = document.getElementById("return-form");
  if (returnForm) {
    returnForm.addEventListener("nianbao:field-needed", function (event) {
      if (!/^comment_(target|text)_\d+$/.test(event.detail.name)) return;
      while (!returnForm.elements[event.detail.name] && addRow()) { /* up to its row */ }
    });
  }

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

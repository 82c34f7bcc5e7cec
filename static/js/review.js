/* Nianbao: the review page. Adds comment rows to the return form and lets a reviewer pick a
 * table cell of the document as a comment's target by clicking it. No inline script (CSP). */
(function () {
  "use strict";
  var rows = document.getElementById("comment-rows");
  var addButton = document.getElementById("add-comment");
  if (!rows) return;
  var MAX = 20;

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

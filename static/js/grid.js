/* Nianbao: the statistics grid of a section page behaves like a spreadsheet. Enter and the arrow keys
 * move between cells (computed cells are skipped; Left/Right move the caret inside a cell's text and
 * leave the cell only at its edge), and a block copied from Excel or WPS fills the grid from the
 * focused cell. The cells filled are announced to entry.js by a "grid:filled" event on the form
 * (detail.inputs), which saves them like typing. No inline script (CSP). */
(function () {
  "use strict";
  var form = document.getElementById("section-form");
  if (!form) return;

  // --- keyboard: Enter and the arrows move through the grid like a spreadsheet -------------
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

  function focusCell(target) {
    if (!target || target.tagName !== "INPUT") return false;
    target.focus();
    target.select();
    return true;
  }

  function moveVertically(input, step) {
    var p = position(input);
    if (!p) return;
    for (var r = p.row + step; r >= 0 && r < p.grid.length; r += step) {
      if (focusCell(p.grid[r][p.col])) return;
    }
  }

  function moveHorizontally(input, step) {  // the next input in the row; computed cells are skipped
    var p = position(input);
    if (!p) return false;
    var row = p.grid[p.row];
    for (var c = p.col + step; c >= 0 && c < row.length; c += step) {
      if (focusCell(row[c])) return true;
    }
    return false;
  }

  // Left/Right move the caret inside a cell's text; at its start (or end), or when the whole
  // text is selected (as after arriving in a cell), they move to the neighbouring cell.
  function atEdge(input, key) {
    var start = input.selectionStart, end = input.selectionEnd, size = input.value.length;
    if (start === null) return true;
    if (start === 0 && end === size) return true;
    return key === "ArrowLeft" ? end === 0 : start === size;
  }

  form.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("cell-input")) return;
    if (event.altKey || event.ctrlKey || event.metaKey || event.isComposing) return;
    if (event.key === "Enter" || event.key === "ArrowDown") {
      event.preventDefault();
      moveVertically(input, event.shiftKey && event.key === "Enter" ? -1 : 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      moveVertically(input, -1);
    } else if ((event.key === "ArrowLeft" || event.key === "ArrowRight") && !event.shiftKey) {
      if (atEdge(input, event.key) && moveHorizontally(input, event.key === "ArrowLeft" ? -1 : 1)) {
        event.preventDefault();
      }
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
    var filled = [];
    lines.forEach(function (line, i) {
      line.split("\t").forEach(function (value, j) {
        var row = p.grid[p.row + i];
        var target = row && row[p.col + j];
        if (target && target.tagName === "INPUT") { target.value = value.trim(); filled.push(target); }
      });
    });
    form.dispatchEvent(new CustomEvent("grid:filled", { detail: { inputs: filled } }));
  });
})();

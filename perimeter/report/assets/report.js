// Sorting and filtering for the report tables. Vanilla JS, no network, no framework.
// Each table lives in a ".table-block": a global filter box, a row counter, and a table whose
// first header row holds sort buttons and whose second holds one filter box per column.
(function () {
  "use strict";

  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

  function readRows(tbody) {
    return Array.prototype.map.call(tbody.rows, function (row, order) {
      var texts = Array.prototype.map.call(row.cells, function (cell) {
        return cell.textContent;
      });
      return {
        row: row,
        order: order,
        texts: texts,
        lower: texts.map(function (t) { return t.toLowerCase(); }),
      };
    });
  }

  function compare(type, index, direction) {
    return function (a, b) {
      var x = a.texts[index];
      var y = b.texts[index];
      // Empty cells (nulls) stay at the bottom whatever the direction.
      if (x === "" || y === "") {
        return x === y ? a.order - b.order : (x === "" ? 1 : -1);
      }
      var result;
      if (type === "number") {
        result = parseFloat(x) - parseFloat(y);
      } else {
        result = collator.compare(x, y);
      }
      return result * direction || a.order - b.order;
    };
  }

  function init(block) {
    var table = block.querySelector("table");
    var tbody = table.tBodies[0];
    var rows = readRows(tbody);
    var headers = Array.prototype.slice.call(table.querySelectorAll("thead tr.labels th"));
    var globalBox = block.querySelector("input.filter-all");
    var columnBoxes = Array.prototype.slice.call(block.querySelectorAll("input.filter-col"));
    var counter = block.querySelector(".count");
    var sorted = { index: -1, direction: 1 };

    function refresh() {
      var needle = globalBox ? globalBox.value.trim().toLowerCase() : "";
      var columnNeedles = columnBoxes.map(function (box) {
        return box.value.trim().toLowerCase();
      });
      var shown = 0;
      rows.forEach(function (entry) {
        var visible = !needle || entry.lower.some(function (t) { return t.indexOf(needle) !== -1; });
        columnNeedles.forEach(function (value, index) {
          if (visible && value && entry.lower[index].indexOf(value) === -1) { visible = false; }
        });
        entry.row.hidden = !visible;
        if (visible) { shown += 1; }
      });
      if (counter) {
        counter.textContent = shown === rows.length
          ? rows.length + (rows.length === 1 ? " row" : " rows")
          : "Showing " + shown + " of " + rows.length + " rows";
      }
    }

    function sortBy(index) {
      sorted.direction = sorted.index === index ? -sorted.direction : 1;
      sorted.index = index;
      rows.sort(compare(headers[index].dataset.type, index, sorted.direction));
      rows.forEach(function (entry) { tbody.appendChild(entry.row); });
      headers.forEach(function (th, i) {
        th.setAttribute("aria-sort", i !== index ? "none"
          : (sorted.direction === 1 ? "ascending" : "descending"));
      });
    }

    headers.forEach(function (th, index) {
      var button = th.querySelector("button");
      if (button) { button.addEventListener("click", function () { sortBy(index); }); }
    });
    if (globalBox) { globalBox.addEventListener("input", refresh); }
    columnBoxes.forEach(function (box) { box.addEventListener("input", refresh); });
    refresh();
  }

  Array.prototype.forEach.call(document.querySelectorAll(".table-block"), init);
  document.documentElement.classList.add("js");
}());

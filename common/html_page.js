"use strict";
// Calendars: accessible names, one tab stop each with arrow keys inside, and the provenance of
// the focused or hovered cell. Values are only ever written as text, never as markup.
(() => {
  const meta = JSON.parse(document.getElementById("cal-labels").textContent);
  const indexOf = new Map();
  let details = null;

  function label(cell) {
    const state = meta.labels[cell.dataset.state] || cell.dataset.state;
    return cell.dataset.date + ": " + state + (cell.classList.contains("o") ? ", " + meta.outline : "");
  }

  function element(tag, text) {
    const node = document.createElement(tag);
    node.textContent = text;
    return node;
  }

  function show(grid, cell) {
    const panel = grid.nextElementSibling;
    const heading = element("p", "");
    heading.append(element("strong", cell.dataset.date), " " + label(cell).slice(cell.dataset.date.length + 2));
    const parts = [heading];
    if (details === null) {
      parts.push(element("p", "reading the provenance\u2026"));
    } else if (details === false) {
      parts.push(element("p", "this browser cannot read the provenance data (no DecompressionStream)"));
    } else {
      const lines = details[grid.dataset.cal][indexOf.get(cell)];
      if (lines === null) {
        parts.push(element("p", "no slot expected on this day"));
      } else {
        const list = document.createElement("ul");
        for (const line of lines) list.append(element("li", line));
        parts.push(list);
      }
    }
    panel.replaceChildren(...parts);
    panel.dataset.date = cell.dataset.date;
    panel.dataset.state = cell.dataset.state;
    grid.current = cell;
  }

  function move(grid, cells, from, to) {
    if (to < 0 || to >= cells.length) return;
    from.tabIndex = -1;
    cells[to].tabIndex = 0;
    cells[to].focus();
  }

  for (const grid of document.querySelectorAll(".cal")) {
    const cells = Array.from(grid.querySelectorAll("i"));
    const rows = Number(grid.dataset.rows);
    cells.forEach((cell, index) => {
      indexOf.set(cell, index);
      cell.setAttribute("role", "gridcell");
      cell.setAttribute("aria-label", label(cell));
      cell.tabIndex = -1;
    });
    const start = cells.find((cell) => cell.classList.contains("o"))
      || cells.filter((cell) => cell.dataset.state !== "outside").pop() || cells[0];
    start.tabIndex = 0;
    grid.addEventListener("focusin", (event) => { if (indexOf.has(event.target)) show(grid, event.target); });
    grid.addEventListener("mouseover", (event) => { if (indexOf.has(event.target)) show(grid, event.target); });
    grid.addEventListener("keydown", (event) => {
      const at = indexOf.get(event.target);
      if (at === undefined) return;
      const step = { ArrowUp: -1, ArrowDown: 1, ArrowLeft: -rows, ArrowRight: rows }[event.key];
      if (step !== undefined) move(grid, cells, event.target, at + step);
      else if (event.key === "Home") move(grid, cells, event.target, 0);
      else if (event.key === "End") move(grid, cells, event.target, cells.length - 1);
      else return;
      event.preventDefault();
    });
  }

  function refresh(state) {
    for (const grid of document.querySelectorAll(".cal")) if (grid.current) show(grid, grid.current);
    document.documentElement.dataset.ready = state;
  }

  if (typeof DecompressionStream !== "function") {
    details = false;
    refresh("no-provenance");
    return;
  }
  const packed = document.getElementById("cal-data").textContent;
  const bytes = Uint8Array.from(atob(packed), (char) => char.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  new Response(stream).text().then((text) => {
    details = JSON.parse(text);
    refresh("true");
  }, () => {
    details = false;
    refresh("no-provenance");
  });
})();

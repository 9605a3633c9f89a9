"""What a page must be on a phone, measured in the browser (for the layout crawl and the phone
tables test): tap targets a thumb hits, tables read as cards.

TAP is the smallest target, in CSS px, both ways (WCAG 2.5.5's 44 × 44). A target is a link, a
button, a summary, a form field; a checkbox or radio button is measured by its label, which is
what a thumb taps. A link inside a sentence is exempt (WCAG 2.5.8's inline exception: its size
is the line's), as are elements not shown (a folded menu, a closed <details>) and the visually
hidden."""

TAP = 44


def page_faults(page) -> list[str]:
    """What is wrong with any page at any width: a dead end, or the page wider than the window."""
    faults = []
    if "页面不存在" in page.title() or "没有权限" in page.title():
        faults.append("dead end")
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll > inner:
        faults.append(f"page {scroll}px wide in a {inner}px window")
    return faults


def small_targets(page) -> list[str]:
    """The visible targets smaller than TAP px either way, as "tap target … < 44 px"."""
    return [f"tap target {t} < {TAP} px" for t in page.evaluate(SMALL_TARGETS, TAP)]


SMALL_TARGETS = """(tap) => {
  const found = [];
  const seen = new Set();
  const inSentence = (element) => {
    if (element.tagName !== "A" || getComputedStyle(element).display !== "inline") return false;
    const block = element.parentElement;
    let text = "";
    block.childNodes.forEach((node) => { if (node !== element) text += node.textContent; });
    return /[\\p{L}\\p{N}]/u.test(text);
  };
  const name = (element) => {
    const text = (element.textContent || element.value || element.name || "").trim()
      .replace(/\\s+/g, " ");
    return `${element.tagName.toLowerCase()} "${text.slice(0, 24)}"`;
  };
  document.querySelectorAll(
    "a[href], button, summary, select, textarea, input:not([type=hidden])"
  ).forEach((element) => {
    let target = element;
    if (element.matches("input[type=checkbox], input[type=radio]")) {
      target = element.closest("label") ||
        (element.labels && element.labels[0]) || element;
    }
    if (seen.has(target)) return;
    seen.add(target);
    const box = target.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) return;  // not shown, or visually hidden
    if (getComputedStyle(target).visibility === "hidden") return;
    if (inSentence(target)) return;
    if (box.width < tap - 0.5 || box.height < tap - 0.5) {
      found.push(`${name(target)} ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
  });
  return found;
}"""

# Every table of the page's main part: a list shown as cards, each value with its label beside
# it; or a small table that fits its box; or a wide figure table (class `figure-table`) that scrolls
# inside its own box.
TABLES_AS_CARDS = """() => {
  const found = [];
  document.querySelectorAll("main table").forEach((table, t) => {
    if (!table.getClientRects().length) return;
    const head = table.querySelector("th") ? table.querySelector("th").textContent.trim() : "";
    const name = `table ${t + 1} (${table.className}; ${head.slice(0, 12)})`;
    if (!table.classList.contains("cards")) {
      if (!table.classList.contains("figure-table") && table.scrollWidth > table.clientWidth + 1) {
        found.push(`${name}: ${table.scrollWidth}px wide in a ${table.clientWidth}px box`);
      }
      return;
    }
    const heads = [];  // each column's heading; an empty one is a column of actions
    for (const th of table.tHead ? table.tHead.rows[0].cells : []) {
      for (let i = 0; i < th.colSpan; i++) heads.push(th.textContent.trim());
    }
    table.querySelectorAll("tbody > tr").forEach((row, r) => {
      if (getComputedStyle(row).display === "table-row") {
        found.push(`${name}: row ${r + 1} is a table row, not a card`);
        return;
      }
      let column = 0;
      for (const cell of row.cells) {
        const text = cell.textContent.trim(), head = heads[column];
        column += cell.colSpan;
        if (!text || cell.colSpan > 1 || cell.classList.contains("card-title") || !head) continue;
        if (!cell.getClientRects().length) continue;  // card-hide
        const label = getComputedStyle(cell, "::before").content;
        const shown = label && label !== "none" && label !== "normal" && label !== '""';
        if (!cell.dataset.label || !shown || getComputedStyle(cell).display !== "flex") {
          found.push(`${name}: row ${r + 1}: "${text.slice(0, 20)}" has no label beside it`);
        }
      }
    });
  });
  return found;
}"""

# Without JavaScript (or before it has run): a list shown as cards has a label beside every
# value; a list that stays a table shows its column headings. Either way no value stands alone.
UNLABELLED_VALUES = """() => {
  const found = [];
  document.querySelectorAll("main table.cards").forEach((table, t) => {
    if (!table.getClientRects().length) return;
    const headShown = table.tHead && table.tHead.getBoundingClientRect().height > 1;
    table.querySelectorAll("tbody > tr").forEach((row, r) => {
      const card = getComputedStyle(row).display !== "table-row";
      for (const cell of row.cells) {
        const text = cell.textContent.trim();
        if (!text || cell.colSpan > 1 || cell.classList.contains("card-title")) continue;
        if (!cell.getClientRects().length) continue;  // card-hide
        const label = getComputedStyle(cell, "::before").content;
        const labelled = card ? label && !["none", "normal", '""'].includes(label) : headShown;
        if (!labelled) {
          found.push(`table ${t + 1} row ${r + 1}: "${text.slice(0, 20)}" has no label`);
          return;
        }
      }
    });
  });
  return found;
}"""


def chart_label_overlaps(page) -> list[str]:
    """The texts of a chart (ECharts' SVG: axis labels, a bar's title) that overlap another."""
    return [f"chart labels overlap: {pair}" for pair in page.evaluate(CHART_LABEL_OVERLAPS)]


CHART_LABEL_OVERLAPS = """() => {
  const found = [];
  document.querySelectorAll("main svg").forEach((svg) => {
    const boxes = [...svg.querySelectorAll("text")]
      .filter((t) => t.textContent.trim() && getComputedStyle(t).opacity !== "0")
      .map((t) => [t.textContent.trim(), t.getBoundingClientRect()])
      .filter(([, r]) => r.width > 0 && r.height > 0);
    boxes.forEach(([a, r], i) => boxes.slice(i + 1).forEach(([b, s]) => {
      const x = Math.min(r.right, s.right) - Math.max(r.left, s.left);
      const y = Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top);
      // Half a line's height at least: the lines of one label ("待整改" over "10") touch.
      if (x > 1 && y > Math.min(r.height, s.height) / 2) {
        found.push(`"${a.slice(0, 12)}" / "${b.slice(0, 12)}"`);
      }
    }));
  });
  return found.slice(0, 5);
}"""

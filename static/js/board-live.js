// An open board follows what others do: every few seconds it asks the server whether the board
// changed (projects.views.board_live, with the board's ETag; "304 Not Modified" costs one query)
// and, when it did, swaps #board for the new one. It leaves the reader's own work alone: no
// refresh while the page is hidden, while a drag or a move menu is open (#board[data-busy],
// static/js/board.js), while a field inside the board has focus or a request of the board is
// under way; focus and scroll positions are kept. The new-task form is outside #board.
(function () {
  "use strict";
  if (!window.fetch || !window.htmx) return;

  let timer = null;

  function board() {
    return document.getElementById("board");
  }

  function interval(el) {
    const ms = Number(el.getAttribute("data-live-interval"));
    return ms >= 1000 ? ms : 4000;
  }

  function schedule() {
    window.clearTimeout(timer);
    const el = board();
    if (el && el.hasAttribute("data-live-url")) timer = window.setTimeout(poll, interval(el));
  }

  function editing(el) {
    const active = document.activeElement;
    return !!active && el.contains(active) && active.matches("input, textarea, select, [contenteditable]");
  }

  function quiet(el) {
    return !(
      document.hidden ||
      el.hasAttribute("data-busy") ||
      editing(el) ||
      el.classList.contains("htmx-request") ||
      el.querySelector(".htmx-request")
    );
  }

  // The columns as long as the reader has them (after "more"), so a new board keeps them open:
  // the query string projects.views._board_shown reads (?open=50&in_progress=50&done=120).
  function lengths(el) {
    const params = new URLSearchParams();
    el.querySelectorAll(".board-column[data-status]").forEach(function (column) {
      params.set(column.getAttribute("data-status"), column.querySelectorAll(".task-card").length);
    });
    return params.toString();
  }

  function liveUrl(el) {
    return el.getAttribute("data-live-url") + "?" + lengths(el);
  }

  // Every htmx request that redraws the board (a move, static/js/board.js's drops) asks for the
  // same lengths; a POST's form stays in its body.
  document.addEventListener("htmx:configRequest", function (event) {
    const el = board();
    if (!el || event.detail.target !== el || event.detail.verb !== "post") return;
    const path = event.detail.path;
    event.detail.path = path + (path.indexOf("?") < 0 ? "?" : "&") + lengths(el);
  });

  // Where the focus is, also on an element without an id: the nearest ancestor with one and the
  // element's place among its kind there (a card's title link inside article#task-12).
  function focusPlace(el) {
    const active = document.activeElement;
    if (!active || active === el || !el.contains(active)) return null;
    if (active.id) return { id: active.id };
    const holder = active.parentElement.closest("[id]");
    if (!holder || !el.contains(holder)) return null;
    const tag = active.tagName.toLowerCase();
    return { id: holder.id, tag: tag, index: Array.prototype.indexOf.call(holder.querySelectorAll(tag), active) };
  }

  function restoreFocus(place) {
    if (!place || (document.activeElement && document.activeElement !== document.body)) return;
    const holder = document.getElementById(place.id);
    const target = holder && (place.tag ? holder.querySelectorAll(place.tag)[place.index] : holder);
    if (target) target.focus({ preventScroll: true });
  }

  function scrolls(el) {
    const columns = {};
    el.querySelectorAll(".board-column[data-status]").forEach(function (column) {
      columns[column.getAttribute("data-status")] = column.scrollTop;
    });
    return { left: el.scrollLeft, top: el.scrollTop, columns: columns };
  }

  function restoreScrolls(el, saved) {
    el.scrollLeft = saved.left;
    el.scrollTop = saved.top;
    el.querySelectorAll(".board-column[data-status]").forEach(function (column) {
      column.scrollTop = saved.columns[column.getAttribute("data-status")] || 0;
    });
  }

  function replace(el, html) {
    const place = focusPlace(el);
    const saved = scrolls(el);
    const pageX = window.scrollX;
    const pageY = window.scrollY;
    // htmx's own swap: the new board is processed (data-hx-* attributes) and htmx:load fires
    // on it, so static/js/board.js sets up the new columns as after a move.
    htmx.swap(el, html, { swapStyle: "outerHTML", swapDelay: 0, settleDelay: 0, ignoreTitle: true });
    const fresh = board();
    if (fresh) restoreScrolls(fresh, saved);
    window.scrollTo(pageX, pageY);
    restoreFocus(place);
  }

  async function poll() {
    const el = board();
    if (!el) return;
    if (quiet(el)) {
      try {
        const response = await fetch(liveUrl(el), {
          credentials: "same-origin",
          cache: "no-store",
          headers: { "If-None-Match": el.getAttribute("data-board-etag") || "", "HX-Request": "true" },
        });
        if (response.status === 404 || response.redirected) return; // gone, or signed out: stop
        if (response.status === 200) {
          const html = await response.text();
          // The reader may have started something while the answer was on its way: the next
          // round asks again (the tag is still the old one).
          if (board() === el && quiet(el)) replace(el, html);
        }
      } catch (error) {
        // Offline for a moment: the next round tries again.
      }
    }
    schedule();
  }

  // "More" (projects/_board_more.html): the focus goes to the first card it brought, which
  // would otherwise be lost with the link that is replaced.
  let loading = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    const link = event.detail.elt;
    if (!link.matches || !link.matches("[data-board-more]")) return;
    const cards = document.querySelector(link.getAttribute("data-hx-target"));
    loading = cards ? { cards: cards, count: cards.querySelectorAll(".task-card").length } : null;
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (!loading || event.detail.elt !== loading.cards) return;
    const first = loading.cards.querySelectorAll(".task-card")[loading.count];
    loading = null;
    const link = first && first.querySelector("a");
    if (link) link.focus();
  });

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      window.clearTimeout(timer);
      timer = window.setTimeout(poll, 250);
    }
  });
  schedule();
})();

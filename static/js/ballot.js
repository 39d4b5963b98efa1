// Ranked ballots: drag and drop, and the "nach oben" / "nach unten" buttons, in place.
//
// The rank selects are what the form posts (1 = best, equal numbers rank equal, empty = left
// out); this script keeps them and the order of the list in step. Without it the buttons post
// the form and the server rearranges it (votes/forms.py, ranks_move: the same rules).
(function () {
  "use strict";

  function items(list) {
    return Array.prototype.filter.call(list.children, function (li) {
      return li.hasAttribute("data-position");
    });
  }

  function selectOf(li) {
    return li.querySelector("select");
  }

  function rankOf(li) {
    var value = selectOf(li).value;
    return value === "" ? null : parseInt(value, 10);
  }

  // Ranks 1, 2, ... down the list; neighbours that were equal stay equal, except next to `moved`.
  function renumber(order, moved, movedRanked) {
    var old = order.map(rankOf);
    var current = 0;
    var previous = -1;
    var result = [];
    order.forEach(function (li, i) {
      var ranked = li === moved ? movedRanked : old[i] !== null;
      if (!ranked) {
        result.push(null);
        previous = -1;
        return;
      }
      var tied = previous >= 0 && li !== moved && order[previous] !== moved && old[i] === old[previous];
      if (!tied) {
        current += 1;
      }
      result.push(current);
      previous = i;
    });
    return result;
  }

  function apply(list, order, ranks) {
    order.forEach(function (li, i) {
      selectOf(li).value = ranks[i] === null ? "" : String(ranks[i]);
      list.appendChild(li);
    });
  }

  function announce(list, li) {
    var status = list.parentNode.querySelector("[data-ranking-status]");
    if (!status) {
      return;
    }
    var rank = rankOf(li);
    var label = li.querySelector(".ranking-label").textContent;
    var template = rank === null ? list.dataset.msgOut : list.dataset.msgRank;
    status.textContent = template.replace("{label}", label).replace("{rank}", String(rank));
  }

  function sameRank(order, li) {
    var rank = rankOf(li);
    return rank === null ? [] : order.filter(function (other) { return rankOf(other) === rank; });
  }

  function move(list, li, direction) {
    var order = items(list);
    var index = order.indexOf(li);
    var rank = rankOf(li);
    var same = sameRank(order, li);
    var movedRanked = true;
    if (direction === "up") {
      if (rank === null) {
        order.splice(index, 1);
        var ranked = order.filter(function (other) { return rankOf(other) !== null; }).length;
        order.splice(ranked, 0, li);
      } else if (!(same.length > 1 && same[0] === li)) {
        if (index === 0) {
          return;
        }
        order[index] = order[index - 1];
        order[index - 1] = li;
      }
    } else {
      if (rank === null) {
        return;
      }
      if (!(same.length > 1 && same[same.length - 1] === li)) {
        if (index === order.length - 1) {
          return;
        }
        if (rankOf(order[index + 1]) === null) {
          movedRanked = false;
        } else {
          order[index] = order[index + 1];
          order[index + 1] = li;
        }
      }
    }
    apply(list, order, renumber(order, li, movedRanked));
  }

  // The list in rank order (left out last), keeping the current order among equals.
  function sortByRanks(list) {
    var order = items(list);
    var keyed = order.map(function (li, i) {
      var rank = rankOf(li);
      return { li: li, key: rank === null ? Infinity : rank, i: i };
    });
    keyed.sort(function (a, b) { return a.key - b.key || a.i - b.i; });
    keyed.forEach(function (entry) { list.appendChild(entry.li); });
  }

  function dropTarget(list, y) {
    var order = items(list);
    for (var i = 0; i < order.length; i += 1) {
      var box = order[i].getBoundingClientRect();
      if (y < box.top + box.height / 2) {
        return order[i];
      }
    }
    return null;
  }

  function clearMarks(list) {
    items(list).forEach(function (li) {
      li.classList.remove("drop-before", "dragging");
    });
    list.classList.remove("drop-at-end");
  }

  function setup(list) {
    if (list.dataset.ready) {
      return;
    }
    list.dataset.ready = "1";
    list.classList.add("js-ranking");
    var dragged = null;

    list.addEventListener("click", function (event) {
      var button = event.target.closest("button[name=move]");
      if (!button || !list.contains(button)) {
        return;
      }
      event.preventDefault();
      var li = button.closest("li");
      move(list, li, button.value.split(":")[1]);
      button.focus(); // the row moved in the document; the keyboard stays on the same button
      announce(list, li);
    });

    list.addEventListener("change", function (event) {
      if (event.target.tagName !== "SELECT") {
        return;
      }
      var li = event.target.closest("li");
      sortByRanks(list);
      event.target.focus();
      announce(list, li);
    });

    list.addEventListener("dragstart", function (event) {
      var handle = event.target.closest && event.target.closest(".drag-handle");
      if (!handle) {
        return;
      }
      dragged = handle.closest("li");
      dragged.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.dataset.position);
      event.dataTransfer.setDragImage(dragged, 16, 16);
    });

    list.addEventListener("dragover", function (event) {
      if (!dragged) {
        return;
      }
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      clearMarks(list);
      dragged.classList.add("dragging");
      var target = dropTarget(list, event.clientY);
      if (target) {
        target.classList.add("drop-before");
      } else {
        list.classList.add("drop-at-end");
      }
    });

    list.addEventListener("drop", function (event) {
      if (!dragged) {
        return;
      }
      event.preventDefault();
      var target = dropTarget(list, event.clientY);
      if (target === dragged || (target && target.previousElementSibling === dragged)) {
        clearMarks(list); // dropped where it was
        dragged = null;
        return;
      }
      var order = items(list).filter(function (li) { return li !== dragged; });
      var index = target ? order.indexOf(target) : order.length;
      order.splice(index, 0, dragged);
      // Dropped below an option that is left out, it is left out too; anywhere above, it is ranked.
      var movedRanked = index === 0 || rankOf(order[index - 1]) !== null;
      apply(list, order, renumber(order, dragged, movedRanked));
      announce(list, dragged);
      clearMarks(list);
      dragged = null;
    });

    list.addEventListener("dragend", function () {
      clearMarks(list);
      dragged = null;
    });
  }

  function init(root) {
    if (root.matches && root.matches("[data-ranking]")) {
      setup(root);
    }
    if (root.querySelectorAll) {
      Array.prototype.forEach.call(root.querySelectorAll("[data-ranking]"), setup);
    }
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  // htmx swaps the ballot area in after casting or on an error: set the new list up as well.
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();

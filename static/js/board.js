// The board's drag and drop (SortableJS, static/vendor/sortablejs) and its keyboard path: a
// "Bewegen" menu button on every card that opens one menu shared by all cards (#move-menu,
// rendered once by projects/board.html), after the WAI-ARIA menu button pattern.
//
// Both post to the card's move URL (the action of its select form) with the column, the card it
// now follows and the column it came from. The server stays the authority: it answers with the
// board as it is, so a refused move (someone moved the card first, the reader may not move it)
// puts the card back, with the reason. While a card is dragged or the menu is open, #board
// carries data-busy: a live refresh leaves such a board alone.
// Without JavaScript each card's select form does the same (to the top of the chosen column).
(function () {
  "use strict";
  var menu = document.getElementById("move-menu");
  var announcer = document.getElementById("board-status");
  if (!menu || !announcer || !window.htmx || !window.Sortable) {
    return;
  }
  var menuHome = menu.parentNode;
  var sortables = [];
  var openButton = null;
  var focusAfterSwap = null;

  function board() {
    return document.getElementById("board");
  }

  function setBusy(busy) {
    var element = board();
    if (element) {
      element.toggleAttribute("data-busy", busy);
    }
  }

  function cardsOf(column) {
    return Array.prototype.filter.call(column.children, function (child) {
      return child.matches(".task-card");
    });
  }

  function moveUrl(card) {
    var form = card.querySelector("form.move-form");
    return form ? form.getAttribute("action") : null;
  }

  // The card `card` follows in its column now, or "top".
  function afterOf(card) {
    var previous = card.previousElementSibling;
    while (previous && !previous.matches(".task-card")) {
      previous = previous.previousElementSibling;
    }
    return previous ? previous.getAttribute("data-task") : "top";
  }

  function send(card, status, after, expectedStatus) {
    var current = board();
    setBusy(true);
    function settled() {
      if (!current.isConnected) {
        return; // the answer has replaced the board
      }
      // No board came back (the card was deleted meanwhile, or the network failed): draw it anew.
      announcer.textContent = menu.getAttribute("data-failed");
      htmx.ajax("GET", window.location.pathname, {
        source: current, target: "#board", select: "#board", swap: "outerHTML"
      });
    }
    htmx.ajax("POST", moveUrl(card), {
      source: current,
      target: "#board",
      swap: "outerHTML",
      values: { status: status, after: after, expected_status: expectedStatus }
    }).then(settled, settled);
  }

  function onDrop(event) {
    var card = event.item;
    var from = event.from.getAttribute("data-column");
    var to = event.to.getAttribute("data-column");
    if (event.from === event.to && event.oldIndex === event.newIndex) {
      setBusy(false);
      return;
    }
    send(card, to, afterOf(card), from);
  }

  function addMenuButton(card) {
    var heading = card.querySelector("h3");
    if (!heading || !moveUrl(card) || card.querySelector(".move-menu-button")) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "move-menu-button";
    button.id = "move-button-" + card.getAttribute("data-task");
    button.textContent = menu.getAttribute("data-button");
    button.setAttribute(
      "aria-label", menu.getAttribute("data-button-label").replace("{title}", heading.textContent.trim())
    );
    button.setAttribute("aria-haspopup", "menu");
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", menu.id);
    heading.after(button);
  }

  function enhance(element) {
    sortables.forEach(function (sortable) {
      sortable.destroy();
    });
    sortables = [];
    if (!element.querySelector("form.move-form")) {
      return; // the reader may not move cards here
    }
    element.classList.add("board-sortable");
    element.querySelectorAll(".board-cards").forEach(function (column) {
      cardsOf(column).forEach(addMenuButton);
      sortables.push(Sortable.create(column, {
        group: "board",
        draggable: ".task-card",
        filter: "select, button, input, textarea, label, .move-menu",
        preventOnFilter: false,
        // Sortable's own pointer handling (not the browser's drag events): the same for mouse and
        // touch; on a touch screen a card is held for a moment first, so the board still scrolls.
        forceFallback: true,
        fallbackOnBody: true,
        delay: 200,
        delayOnTouchOnly: true,
        animation: 150,
        ghostClass: "task-card-placeholder",
        chosenClass: "task-card-chosen",
        fallbackClass: "task-card-dragged",
        onStart: function () {
          closeMenu(false);
          setBusy(true);
        },
        onEnd: onDrop
      }));
    });
    if (focusAfterSwap !== null) {
      var button = document.getElementById("move-button-" + focusAfterSwap);
      focusAfterSwap = null;
      if (button) {
        button.focus();
      }
    }
  }

  function menuItems() {
    return Array.prototype.filter.call(menu.querySelectorAll("[role=menuitem]"), function (item) {
      return !item.hidden;
    });
  }

  function openMenu(button, focusLast) {
    closeMenu(false);
    var card = button.closest(".task-card");
    var column = card.closest(".board-cards");
    var cards = cardsOf(column);
    var index = cards.indexOf(card);
    menu.querySelectorAll("[role=menuitem]").forEach(function (item) {
      var move = item.getAttribute("data-move");
      if (move === "up") {
        item.hidden = index === 0;
      } else if (move === "down") {
        item.hidden = index === cards.length - 1;
      } else {
        item.hidden = move === column.getAttribute("data-column");
      }
    });
    // Right below its button: next in reading order, and in the card's flow on screen.
    button.after(menu);
    menu.setAttribute("aria-labelledby", button.id);
    menu.hidden = false;
    button.setAttribute("aria-expanded", "true");
    openButton = button;
    setBusy(true);
    var items = menuItems();
    items[focusLast ? items.length - 1 : 0].focus();
  }

  function closeMenu(returnFocus) {
    if (!openButton) {
      return;
    }
    var button = openButton;
    openButton = null;
    menu.hidden = true;
    button.setAttribute("aria-expanded", "false");
    if (returnFocus) {
      button.focus();
    }
    menuHome.appendChild(menu);
    setBusy(false);
  }

  function choose(item) {
    var card = openButton.closest(".task-card");
    var column = card.closest(".board-cards");
    var cards = cardsOf(column);
    var index = cards.indexOf(card);
    var from = column.getAttribute("data-column");
    var move = item.getAttribute("data-move");
    var to = from;
    var after = "top";
    if (move === "up") {
      after = index >= 2 ? cards[index - 2].getAttribute("data-task") : "top";
    } else if (move === "down") {
      after = cards[index + 1].getAttribute("data-task");
    } else {
      to = move;
    }
    closeMenu(true);
    focusAfterSwap = card.getAttribute("data-task");
    send(card, to, after, from);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".move-menu-button");
    if (button) {
      if (openButton === button) {
        closeMenu(true);
      } else {
        openMenu(button, false);
      }
      return;
    }
    var item = event.target.closest("#move-menu [role=menuitem]");
    if (item && openButton) {
      choose(item);
      return;
    }
    if (openButton && !menu.contains(event.target)) {
      closeMenu(false);
    }
  });

  document.addEventListener("keydown", function (event) {
    var button = event.target.closest && event.target.closest(".move-menu-button");
    if (button && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      openMenu(button, event.key === "ArrowUp");
      return;
    }
    if (!openButton || !menu.contains(event.target)) {
      return;
    }
    var items = menuItems();
    var index = items.indexOf(event.target);
    var next = null;
    switch (event.key) {
      case "ArrowDown":
        next = items[(index + 1) % items.length];
        break;
      case "ArrowUp":
        next = items[(index - 1 + items.length) % items.length];
        break;
      case "Home":
        next = items[0];
        break;
      case "End":
        next = items[items.length - 1];
        break;
      case "Enter":
      case " ":
        event.preventDefault();
        choose(event.target);
        return;
      case "Escape":
        event.preventDefault();
        event.stopPropagation();
        closeMenu(true);
        return;
      case "Tab":
        closeMenu(true);
        return;
      default:
        return;
    }
    event.preventDefault();
    next.focus();
  });

  menu.addEventListener("focusout", function (event) {
    if (openButton && event.relatedTarget && !menu.contains(event.relatedTarget) &&
        event.relatedTarget !== openButton) {
      closeMenu(false);
    }
  });

  htmx.onLoad(function (element) {
    var found = element.id === "board" ? element : element.querySelector && element.querySelector("#board");
    if (found) {
      enhance(found);
    } else if (element.matches && element.matches(".task-card") && element.closest(".board-sortable")) {
      addMenuButton(element); // a card the column's "more" link brought in
    }
  });
})();

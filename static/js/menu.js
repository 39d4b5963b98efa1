// The site menu behind a button on narrow screens (static/css/site.css hides it there while
// <html> has the class "menu-ready"). Without JavaScript the button stays hidden and the menu open.
(function () {
  "use strict";
  const button = document.querySelector(".menu-toggle[aria-controls]");
  const menu = button && document.getElementById(button.getAttribute("aria-controls"));
  if (!menu) return;

  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("open", open);
  }

  document.documentElement.classList.add("menu-ready");
  button.hidden = false;
  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });
})();

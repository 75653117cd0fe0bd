// The main menu: a disclosure ("Menu") on narrow screens, kept open where every link fits
// in one bar (the width matches app.css). Without this script the menu still opens on a
// click or Enter, at every width.
(function () {
  const menu = document.getElementById("nav-menu");
  if (!menu) return;
  const wide = window.matchMedia("(min-width: 1024px)");
  const fit = () => { menu.open = wide.matches; };
  fit();
  wide.addEventListener("change", fit);
  // Escape folds the open menu on a narrow screen and returns to its button
  menu.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu.open && !wide.matches) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
})();

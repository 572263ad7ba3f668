// The staff console: a print button (the pages print with the browser's menu too, without script).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});

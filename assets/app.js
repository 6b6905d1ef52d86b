// Loaded as a module so it runs only in browsers GOV.UK Frontend supports;
// every page works without it.
import { initAll } from "./govuk-frontend.min.js";

initAll();

// Printable pages (an agreement, a letter) offer a Print button; without scripts they say to use the browser's
// Print command instead.
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
for (const fallback of document.querySelectorAll("[data-print-fallback]")) {
  fallback.hidden = true;
}

// Loaded as a module so it runs only in browsers GOV.UK Frontend supports;
// every page works without it.
import { initAll } from "./govuk-frontend.min.js";

initAll();

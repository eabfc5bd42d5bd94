// Copy the front-end files the app serves from node_modules into static/vendor/.
// Run by `npm run vendor` (the set-up command does it); static/vendor/ is not committed.
import { cpSync, mkdirSync } from "node:fs";

const files = [
  ["bootstrap/dist/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"],
  ["bootstrap/dist/css/bootstrap.min.css.map", "bootstrap/bootstrap.min.css.map"],
  ["bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap/bootstrap.bundle.min.js"],
  ["bootstrap/dist/js/bootstrap.bundle.min.js.map", "bootstrap/bootstrap.bundle.min.js.map"],
  ["chart.js/dist/chart.umd.min.js", "chart.js/chart.umd.min.js"],
  ["chart.js/dist/chart.umd.min.js.map", "chart.js/chart.umd.min.js.map"],
  ["axe-core/axe.min.js", "axe-core/axe.min.js"],
];
for (const [from, to] of files) {
  const target = `static/vendor/${to}`;
  mkdirSync(target.substring(0, target.lastIndexOf("/")), { recursive: true });
  cpSync(`node_modules/${from}`, target);
}
console.log(`vendored ${files.length} files into static/vendor/`);

const http = require("http");
const ms = require("ms");
const { greeting } = require("./lib/greeting");

if (process.argv.includes("--selftest")) {
  console.log(`selftest ${greeting("slim")} ${ms(90000)}`);
  process.exit(0);
}
http.createServer((req, res) => res.end(greeting("world"))).listen(3000);

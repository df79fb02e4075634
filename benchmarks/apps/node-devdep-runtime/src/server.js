"use strict";

const http = require("http");
const { summarise } = require("./report");

function createServer() {
  return http.createServer((req, res) => {
    if (req.method === "POST" && req.url === "/report") {
      let body = "";
      req.on("data", (chunk) => {
        body += chunk;
      });
      req.on("end", () => {
        try {
          const report = summarise(JSON.parse(body));
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify(report));
        } catch (err) {
          res.writeHead(400, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: err.message }));
        }
      });
      return;
    }
    res.writeHead(req.url === "/healthz" ? 200 : 404, {
      "content-type": "text/plain",
    });
    res.end(req.url === "/healthz" ? "ok" : "not found");
  });
}

if (require.main === module) {
  const port = Number(process.env.PORT || 3000);
  createServer().listen(port, () => console.log(`shift-report on ${port}`));
}

module.exports = { createServer };

"use strict";

// Serves the app on a loopback port inside the container and posts two shifts to /report.
const http = require("http");
const { createServer } = require("./server");

const shifts = [
  { who: "ana", start: "2026-11-30T08:00:00Z", end: "2026-11-30T16:30:00Z" },
  { who: "bo", start: "2026-11-30T16:30:00Z", end: "2026-12-01T00:30:00Z" },
];

function post(port, path, payload) {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(payload);
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: "POST",
        headers: { "content-type": "application/json" },
      },
      (res) => {
        let text = "";
        res.on("data", (chunk) => {
          text += chunk;
        });
        res.on("end", () =>
          resolve({ status: res.statusCode, body: JSON.parse(text) }),
        );
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

async function main() {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  try {
    const { status, body } = await post(
      server.address().port,
      "/report",
      shifts,
    );
    console.log(
      `selftest ${status} shifts=${body.shifts} people=${body.people} hours=${body.hours} from=${body.from}`,
    );
  } finally {
    server.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

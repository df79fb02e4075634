import http from "http";
import { handleOrder } from "./orders";

const SAMPLE = {
  customer: "acme",
  currency: "EUR",
  lines: [
    { sku: "BOX-001", quantity: 3, unitPrice: 9.5 },
    { sku: "TAP-042", quantity: 2, unitPrice: 2.25 },
  ],
  coupon: "SLIM10",
};

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = "";
    req.on("data", (chunk) => (data += chunk));
    req.on("end", () => resolve(data));
    req.on("error", reject);
  });
}

export function createServer(): http.Server {
  return http.createServer(async (req, res) => {
    let result;
    if (req.method === "GET" && req.url === "/healthz") {
      result = { status: 200, body: { status: "ok" } };
    } else if (req.method === "POST" && req.url === "/orders") {
      try {
        result = handleOrder(JSON.parse(await readBody(req)));
      } catch {
        result = { status: 400, body: { error: "invalid JSON" } };
      }
    } else {
      result = { status: 404, body: { error: "not found" } };
    }
    res.writeHead(result.status, { "content-type": "application/json" });
    res.end(JSON.stringify(result.body));
  });
}

if (process.argv.includes("--selftest")) {
  // Prices a sample order and rejects a bad one, without opening a port.
  const ok = handleOrder(SAMPLE);
  const bad = handleOrder({ ...SAMPLE, lines: [{ sku: "nope", quantity: 0, unitPrice: 1 }] });
  console.log(`selftest ok=${ok.status} ${JSON.stringify(ok.body)} bad=${bad.status}`);
} else {
  const port = Number(process.env.PORT || 8080);
  createServer().listen(port, () => console.log(`order-validator listening on ${port}`));
}

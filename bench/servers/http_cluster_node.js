// Node http hello-world server run by `cluster` with N workers:
//   node http_cluster_node.js PORT N
// The same handler as the shared harness's servers/http_node.js. The primary
// forks N workers and hands them connections (Node's default scheduling on
// Linux, round-robin from the primary); keep-alive is the default. SIGTERM or
// SIGINT to the primary stops every worker.
const cluster = require("cluster");
const http = require("http");
const port = Number(process.argv[2] || process.env.PORT);
const n = Number(process.argv[3] || 1);
const body = "Hello, World!";

if (cluster.isPrimary) {
  for (let i = 0; i < n; i++) cluster.fork();
  const stop = () => {
    for (const id in cluster.workers) cluster.workers[id].process.kill("SIGTERM");
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
} else {
  process.on("disconnect", () => process.exit(0)); // the primary is gone
  http
    .createServer((req, res) => {
      res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": body.length });
      res.end(body);
    })
    .listen(port, "127.0.0.1", 4096);
}

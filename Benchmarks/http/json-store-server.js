// The old store's strategy behind a minimal HTTP server, for the HTTP load benchmark: the workspace in memory,
// its whole sessions.json rewritten on every append, as ../shared/seed/session-store.ts does.
// Usage: node json-store-server.js FOLDER PORT (FOLDER/ws-1/sessions.json, as seed.py writes it)
const http = require("http");
const fs = require("fs");
const path = require("path");

const [folder, port] = process.argv.slice(2);
const file = path.join(folder, "ws-1", "sessions.json");
const store = JSON.parse(fs.readFileSync(file, "utf8"));
let counter = 0;

function send(response, status, value) {
    const body = JSON.stringify(value);
    response.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
    response.end(body);
}

http.createServer((request, response) => {
    const url = new URL(request.url, "http://localhost");
    const match = url.pathname.match(/^\/v1\/workspaces\/ws-1\/sessions\/([^/]+)\/messages$/);
    const session = match && store.sessions[match[1]];
    if (!session) return send(response, 404, { error: { code: "notFound", message: "no such route" } });
    if (request.method === "GET") {
        const limit = Number(url.searchParams.get("limit") || 100);
        const items = session.messageIds.slice(-limit).map((id) => store.messages[id]);
        return send(response, 200, { items });
    }
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
        const input = JSON.parse(body);
        const now = Date.now();
        const id = `j${now}${counter++}`;
        store.messages[id] = { id, sessionId: session.id, role: input.role, content: input.content, createdAt: now, updatedAt: now };
        session.messageIds.push(id);
        session.updatedAt = now;
        fs.writeFileSync(file, JSON.stringify(store, null, 2));
        send(response, 201, store.messages[id]);
    });
}).listen(Number(port), "127.0.0.1");

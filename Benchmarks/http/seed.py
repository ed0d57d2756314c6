"""Writes a legacy workspace folder: one session of COUNT messages, for both servers of the HTTP load benchmark."""
import json
import os
import sys

folder, count = sys.argv[1], int(sys.argv[2])
now = 1795571111000
messages = {}
ids = []
for index in range(count):
    message_id = f"m{index:06d}"
    ids.append(message_id)
    messages[message_id] = {
        "id": message_id, "sessionId": "bench", "role": "user" if index % 2 == 0 else "assistant",
        # The benchmark package's message (Workload.content), so that both runs read the same bytes.
        "content": "The login cookie expires before the refresh token does. " * 5,
        "createdAt": now + index, "updatedAt": now + index, "status": "completed",
    }
session = {"id": "bench", "workspaceId": "ws-1", "title": "Load", "parentId": None, "createdAt": now, "updatedAt": now + count,
           "messageIds": ids}
os.makedirs(os.path.join(folder, "ws-1"), exist_ok=True)
with open(os.path.join(folder, "ws-1", "sessions.json"), "w") as file:
    json.dump({"sessions": {"bench": session}, "messages": messages}, file, indent=2)

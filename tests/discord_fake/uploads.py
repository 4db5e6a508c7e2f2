"""Uploads to the fake Discord: multipart requests (a message with files, as discord.py sends them) read as
Discord reads them, and the attachment objects a message then carries."""

from __future__ import annotations

import email.parser
import email.policy
import json
from collections.abc import Callable
from typing import Any


def parse_multipart(content_type: str, raw: bytes) -> tuple[Any, list[dict]]:
    """A multipart upload as Discord reads it: the `payload_json` part (the message, as JSON) and the files
    (`files[n]` parts: name, filename, content_type, data bytes)."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + raw)
    body: Any = None
    files = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        if name == "payload_json":
            body = json.loads(data or b"null")
        elif part.get_filename():
            files.append({"name": name, "filename": part.get_filename(), "content_type": part.get_content_type(),
                          "data": data})
    return body, files


def attachments(payload: dict, files: list[dict] | None, new_id: Callable[[], int],
                uploads: dict[int, bytes]) -> list[dict]:
    """Attachment objects for uploaded `files`, with the description (alt text) the payload gives each; the
    bytes are kept in `uploads` by attachment id."""
    described = {str(a.get("id")): a for a in payload.get("attachments") or []}
    out = []
    for i, f in enumerate(files or []):
        aid = new_id()
        meta = described.get(str(i), {})
        out.append({"id": str(aid), "filename": f["filename"], "size": len(f["data"]),
                    "url": f"https://cdn.fake/attachments/{aid}/{f['filename']}",
                    "proxy_url": f"https://media.fake/attachments/{aid}/{f['filename']}",
                    "content_type": f.get("content_type"), "description": meta.get("description")})
        uploads[aid] = f["data"]
    return out

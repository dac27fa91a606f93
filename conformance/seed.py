"""Seeds a running pinbox with a few boards, sections and Pins so that generated requests can
reach real objects, and prints their ids as JSON. Standard library only."""

import base64
import json
import struct
import sys
import urllib.request
import zlib


def png(width, height, rgb):
    row = b"\x00" + bytes(rgb) * width

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b"")


def call(base, token, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{base}/v5{path}", data=data, method=method)
    req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req) as resp:
        return json.loads(resp.read() or b"null")


def main():
    base, token = sys.argv[1], sys.argv[2]
    boards, sections, pins = [], [], []
    for i, privacy in enumerate(["PUBLIC", "PUBLIC", "SECRET", "PUBLIC"]):
        board = call(base, token, "POST", "/boards", {"name": f"Seed board {i}", "description": "seeded", "privacy": privacy})
        boards.append(board["id"])
        for j in range(2):
            section = call(base, token, "POST", f"/boards/{board['id']}/sections", {"name": f"Section {j}"})
            sections.append(section["id"])
            for k in range(2):
                pin = call(base, token, "POST", "/pins", {
                    "board_id": board["id"],
                    "board_section_id": section["id"],
                    "title": f"Seed pin {i}.{j}.{k}",
                    "link": "https://example.com/",
                    "media_source": {
                        "source_type": "image_base64",
                        "content_type": "image/png",
                        "data": base64.b64encode(png(32, 24, (40 * i, 60 * j, 90 * k))).decode(),
                    },
                })
                pins.append(pin["id"])
    print(json.dumps({"boards": boards, "sections": sections, "pins": pins}))


if __name__ == "__main__":
    main()

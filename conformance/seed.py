"""Seeds a running pinbox with a few boards, sections, Pins and media uploads so that generated
requests can reach real objects, and prints their ids as JSON. Standard library only."""

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


def box(kind, payload):
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4(w, h, ms):
    """A minimal MP4 pinbox reads as a video: ftyp, moov with one video track, a little mdat."""
    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    mvhd = (struct.pack(">B3xIIII", 0, 0, 0, 1000, ms) + struct.pack(">IH10x", 0x10000, 0x100) + matrix
            + bytes(24) + struct.pack(">I", 2))
    tkhd = struct.pack(">B3BIIIII", 0, 0, 0, 7, 0, 0, 1, 0, ms) + bytes(16) + matrix + struct.pack(">II", w << 16, h << 16)
    mdhd = struct.pack(">B3xIIII", 0, 0, 0, 1000, ms) + b"\x55\xc4\x00\x00"
    hdlr = bytes(8) + b"vide" + bytes(12) + b"video\x00"
    entry = bytes(6) + struct.pack(">H", 1) + bytes(16) + struct.pack(">HH", w, h) + bytes(50)
    stsd = struct.pack(">II", 0, 1) + box(b"avc1", entry)
    mdia = box(b"mdhd", mdhd) + box(b"hdlr", hdlr) + box(b"minf", box(b"stbl", box(b"stsd", stsd)))
    trak = box(b"trak", box(b"tkhd", tkhd) + box(b"mdia", mdia))
    ftyp = box(b"ftyp", b"isom" + struct.pack(">I", 0x200) + b"isomiso2avc1mp41")
    return ftyp + box(b"moov", box(b"mvhd", mvhd) + trak) + box(b"mdat", bytes(1024))


def upload(registered, data):
    """POSTs the file to the upload URL as S3's browser form: the parameters, then the file."""
    boundary = "pinboxseedboundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in registered["upload_parameters"].items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="seed.mp4"\r\n'
                 f"Content-Type: video/mp4\r\n\r\n".encode() + data + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    req = urllib.request.Request(registered["upload_url"], data=body, method="POST")
    req.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
    with urllib.request.urlopen(req) as resp:
        assert resp.status == 204, resp.status


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
    media = []
    for i in range(2):
        registered = call(base, token, "POST", "/media", {"media_type": "video"})
        if i == 0:
            upload(registered, mp4(640, 360, 2000))
        media.append(registered["media_id"])
    print(json.dumps({"boards": boards, "sections": sections, "pins": pins, "media": media}))


if __name__ == "__main__":
    main()

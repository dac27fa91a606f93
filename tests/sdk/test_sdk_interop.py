"""Drives pinbox with Pinterest's official Python SDK (pinterest-api-sdk), pointed at it with
PINTEREST_API_URI and PINTEREST_ACCESS_TOKEN, exactly as an integration would be pointed at
api.pinterest.com. Run by scripts/sdk-interop, which starts pinbox and issues the token."""

import base64
import struct
import uuid
import zlib

import pytest
from pinterest.organic.boards import Board
from pinterest.organic.pins import Pin
from openapi_generated.pinterest_client.exceptions import NotFoundException


def png(width, height, rgb):
    """A real PNG of one colour, made without third-party packages."""
    row = b"\x00" + bytes(rgb) * width
    raw = row * height

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def image_source(rgb=(200, 30, 40)):
    return {
        "source_type": "image_base64",
        "content_type": "image/png",
        "data": base64.b64encode(png(64, 48, rgb)).decode(),
    }


def unique(prefix):
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def every_page(first_page):
    """Follows the SDK's Bookmark objects to the end, collecting every item."""
    items, bookmark = first_page
    items = list(items)
    while bookmark is not None:
        more, bookmark = bookmark.get_next()
        items.extend(more)
    return items


def test_boards_are_created_read_updated_and_deleted():
    name = unique("SDK board")
    board = Board.create(name=name, description="made by the SDK", privacy="PUBLIC")
    assert board.name == name
    assert board.description == "made by the SDK"
    assert board.privacy == "PUBLIC"
    assert board.pin_count == 0

    again = Board(board_id=board.id)
    assert again.name == name

    board.update_fields(description="changed by the SDK", name=name + " v2")
    assert Board(board_id=board.id).description == "changed by the SDK"
    assert Board(board_id=board.id).name == name + " v2"

    listed = every_page(Board.get_all(page_size=1))
    assert board.id in [b.id for b in listed]

    assert Board.delete(board_id=board.id)
    with pytest.raises(NotFoundException) as gone:
        Board(board_id=board.id)
    assert "Board not found." in gone.value.body


def test_sections_are_created_listed_renamed_and_deleted():
    board = Board.create(name=unique("Sections"))
    salads = board.create_section("Salads")
    soups = board.create_section("Soups")
    sections = every_page(board.list_sections(page_size=1))
    assert [s.name for s in sections] == ["Salads", "Soups"]
    renamed = board.update_section(soups.id, "Stews")
    assert renamed.name == "Stews"
    board.delete_section(salads.id)
    sections = every_page(board.list_sections())
    assert [s.id for s in sections] == [soups.id]
    Board.delete(board_id=board.id)


def test_pins_from_base64_are_listed_across_pages_on_a_board_and_a_section():
    board = Board.create(name=unique("Pins"))
    section = board.create_section("Part")
    on_board = [
        Pin.create(board_id=board.id, media_source=image_source(), title=f"board pin {i}").id
        for i in range(3)
    ]
    in_section = [
        Pin.create(
            board_id=board.id,
            board_section_id=section.id,
            media_source=image_source((10, 20, 200)),
            title=f"section pin {i}",
        ).id
        for i in range(3)
    ]

    all_pins = every_page(board.list_pins(page_size=2))
    assert sorted(p.id for p in all_pins) == sorted(on_board + in_section)
    # The SDK's Bookmark.get_next() drops section_id when continuing a section's list (it would
    # continue the board's list with the section's bookmark, which pinbox refuses as foreign), so
    # a section is paged by passing its bookmark token back with the section id.
    section_pins, bookmark = board.list_pins(section_id=section.id, page_size=2)
    section_pins = list(section_pins)
    while bookmark is not None:
        more, bookmark = board.list_pins(
            section_id=section.id, page_size=2, bookmark=bookmark.get_bookmark_token()
        )
        section_pins.extend(more)
    assert sorted(p.id for p in section_pins) == sorted(in_section)
    with pytest.raises(Exception) as foreign:
        board.list_pins(section_id=section.id, page_size=2)[1].get_next()
    assert "Invalid bookmark" in str(foreign.value)

    pin = Pin(pin_id=in_section[0])
    assert pin.board_id == board.id
    assert pin.board_section_id == section.id
    assert pin.title == "section pin 0"
    assert pin.dominant_color == "#0A14C8"
    images = pin.media["images"]
    assert images["150x150"]["width"] == 150
    assert images["600x"]["width"] == 64

    assert Board(board_id=board.id).pin_count == 6
    Board.delete(board_id=board.id)


def test_a_pin_is_saved_to_another_board_then_deleted():
    source_board = Board.create(name=unique("Source"))
    target_board = Board.create(name=unique("Target"))
    pin = Pin.create(board_id=source_board.id, media_source=image_source(), title="to save", link="https://example.com/")
    source_id = pin.id
    # The SDK refreshes the object with the answer: afterwards it is the new, saved Pin.
    pin.save(board_id=target_board.id)
    assert pin.id != source_id
    assert pin.parent_pin_id == source_id
    saved = every_page(target_board.list_pins())
    assert [p.id for p in saved] == [pin.id]
    assert saved[0].title == "to save"

    assert Pin.delete(pin_id=source_id)
    with pytest.raises(NotFoundException) as gone:
        Pin(pin_id=source_id)
    assert "Pin not found." in gone.value.body
    assert Board(board_id=source_board.id).pin_count == 0
    Board.delete(board_id=source_board.id)
    Board.delete(board_id=target_board.id)


def test_errors_reach_the_sdk_as_pinterest_errors():
    with pytest.raises(NotFoundException) as err:
        Board(board_id="1234567890123456789")
    assert err.value.status == 404
    assert '"code":40' in err.value.body

"""Write OLE compound files (CFB v3, [MS-CFB]) for tests: legacy Office documents and the
objects Office embeds, with the streams a test chooses. No free tool writes them from the
command line, and ``olefile`` only reads, so this writes the format directly: 512-byte
sectors, one FAT, every stream padded to at least 4 KiB (so no mini stream is needed)."""

from __future__ import annotations

import struct

_SECTOR = 512
_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_STORAGE, _STREAM, _ROOT = 1, 2, 5


class _Node:
    def __init__(self, name: str, kind: int, data: bytes = b"") -> None:
        self.name, self.kind, self.data = name, kind, data
        self.children: dict[str, _Node] = {}
        self.index = 0
        self.start = _END


def _cfb_key(name: str) -> tuple[int, str]:
    return len(name), name.upper()


def word_fib(text: str, *, encrypted: bool = False) -> bytes:
    """A WordDocument stream: a FIB start (wIdent 0xA5EC, nFib 193, flags with fEncrypted)
    followed by the text in UTF-16LE, as Word stores unformatted text pieces."""
    flags = 0x0100 if encrypted else 0
    return struct.pack("<HHHHHH", 0xA5EC, 193, 0, 0x0409, 0, flags) + bytes(500) + text.encode("utf-16-le")


def ole10_native(filename: str, payload: bytes) -> bytes:
    """An ``\\x01Ole10Native`` stream: an OLE 1.0 Package object holding ``filename``."""
    name = filename.encode("latin-1") + b"\0"
    src = b"C:\\Users\\alice\\" + name
    tmp = b"C:\\Temp\\" + name
    body = b"\x02\x00" + name + src + b"\x00\x00\x03\x00" + struct.pack("<I", len(tmp)) + tmp + \
        struct.pack("<I", len(payload)) + payload
    return struct.pack("<I", len(body)) + body


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A compound file with ``streams`` (paths with ``/`` for storages)."""
    root = _Node("Root Entry", _ROOT)
    for path, data in streams.items():
        node = root
        *dirs, leaf = path.split("/")
        for d in dirs:
            node = node.children.setdefault(d, _Node(d, _STORAGE))
        # a stream under the 4 KiB cutoff would belong in the mini stream: pad it past it
        node.children[leaf] = _Node(leaf, _STREAM, data + bytes(max(0, 4096 - len(data))))
    nodes: list[_Node] = []

    def number(node: _Node) -> None:
        node.index = len(nodes)
        nodes.append(node)
        for child in sorted(node.children.values(), key=lambda n: _cfb_key(n.name)):
            number(child)

    number(root)
    data_sectors: list[bytes] = []
    for node in nodes:
        if node.kind == _STREAM:
            padded = node.data + bytes(max(4096, -(-len(node.data) // _SECTOR) * _SECTOR) - len(node.data))
            node.start = len(data_sectors)       # relative; shifted below
            data_sectors += [padded[i:i + _SECTOR] for i in range(0, len(padded), _SECTOR)]
    dir_sectors = -(-len(nodes) * 128 // _SECTOR)
    fat_sectors = 1
    while fat_sectors * 128 < fat_sectors + dir_sectors + len(data_sectors):
        fat_sectors += 1
    dir_start = fat_sectors
    data_start = fat_sectors + dir_sectors
    fat = [_FATSECT] * fat_sectors
    fat += [i + 1 for i in range(dir_start, data_start - 1)] + [_END]
    for node in nodes:
        if node.kind == _STREAM:
            node.start += data_start
            count = max(4096, -(-len(node.data) // _SECTOR) * _SECTOR) // _SECTOR
            fat += [node.start + i + 1 for i in range(count - 1)] + [_END]
    fat += [_FREE] * (fat_sectors * 128 - len(fat))

    def entry(node: _Node | None, right: int = _NOSTREAM) -> bytes:
        if node is None:
            return bytes(64) + struct.pack("<HBBIII", 0, 0, 0, _NOSTREAM, _NOSTREAM, _NOSTREAM) + bytes(48)
        name = node.name.encode("utf-16-le") + b"\0\0"
        kids = sorted(node.children.values(), key=lambda n: _cfb_key(n.name))
        child = kids[0].index if kids else _NOSTREAM
        return (name.ljust(64, b"\0") + struct.pack("<HBBIII", len(name), node.kind, 1, _NOSTREAM, right, child)
                + bytes(16) + bytes(4) + bytes(16)
                + struct.pack("<IQ", node.start if node.kind == _STREAM else _END, len(node.data)))

    siblings_right: dict[int, int] = {}
    for node in nodes:
        kids = sorted(node.children.values(), key=lambda n: _cfb_key(n.name))
        for a, b in zip(kids, kids[1:], strict=False):
            siblings_right[a.index] = b.index
    directory = b"".join(entry(n, siblings_right.get(n.index, _NOSTREAM)) for n in nodes)
    directory += b"".join(entry(None) for _ in range(dir_sectors * 4 - len(nodes)))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
              + struct.pack("<IIIIIIIII", 0, fat_sectors, dir_start, 0, 4096, _END, 0, _END, 0))
    difat = [*range(fat_sectors)] + [_FREE] * (109 - fat_sectors)
    header += struct.pack("<109I", *difat)
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    return header + fat_bytes + directory + b"".join(data_sectors)

"""service/wire.py: what uvicorn writes in one loop turn leaves as one write, in order, and closing loses none."""

from __future__ import annotations

import asyncio
from typing import Any

from ijw_gateway.service.wire import CoalescedTransport


class Recording(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: Any) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_write_buffer_size(self) -> int:
        return 0


def test_the_head_and_body_of_a_response_go_out_in_one_write_and_close_flushes() -> None:
    async def scenario() -> tuple[list[bytes], int, list[bytes], bool]:
        real = Recording()
        wrapped = CoalescedTransport(real, asyncio.get_running_loop())
        wrapped.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
        wrapped.write(bytearray(b"{}"))
        pending = wrapped.get_write_buffer_size()
        assert real.writes == []  # nothing yet: the loop's turn has not ended
        await asyncio.sleep(0)
        first = list(real.writes)
        wrapped.write(b"last")
        wrapped.close()  # written before the transport closes
        return first, pending, real.writes, real.closed

    first, pending, writes, closed = asyncio.run(scenario())
    assert first == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"]
    assert pending == len(first[0])
    assert writes == [*first, b"last"] and closed


def test_nothing_is_written_to_a_transport_that_closed_under_it() -> None:
    async def scenario() -> list[bytes]:
        real = Recording()
        wrapped = CoalescedTransport(real, asyncio.get_running_loop())
        wrapped.write(b"late")
        real.closed = True  # the peer went away before the turn ended
        await asyncio.sleep(0)
        assert wrapped.is_closing()  # the rest of the transport is the real one's
        return real.writes

    assert asyncio.run(scenario()) == []

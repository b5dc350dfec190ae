"""Keys as a terminal delivers them, for pilot tests."""

from textual._xterm_parser import XTermParser


async def send_raw(app, pilot, data: str) -> None:
    """The key events Textual's terminal parser makes of these bytes, as a terminal sends them."""
    parser = XTermParser()
    keys = list(parser.feed(data))
    try:
        keys += list(parser.feed(""))
    except Exception:
        pass
    for event in keys:
        app.post_message(event)
    await pilot.pause()
    await pilot.pause()

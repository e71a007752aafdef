"""The screens window: what the real client would show one seat, drawn so our screen readers read it.

`sim-server --screens` serves one seat through pixels and devices instead of the bridge's inputs:
`scene.py` takes what that seat may see from the game each tick, `pool.py` deals it tasks whose
panels can be drawn, `panels.py` holds those panels' state machines (they react to the mouse as the
game's do), `controls.py` gathers the window's and the pad's input for the next tick and logs it,
`window.py` is the Tk window itself and `pad.py` the UDP gamepad stand-in. docs/screens.md says how
a client uses it.
"""

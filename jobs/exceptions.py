"""Domain refusals that are not bad input: the request was fine, the state of the world says no."""


class Conflict(Exception):
    """The action clashes with the current state (no slots left, overlapping booking, wrong status): HTTP 409."""

    def __init__(self, message, code: str = "conflict"):
        super().__init__(message)
        self.message = message
        self.code = code

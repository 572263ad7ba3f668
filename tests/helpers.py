"""Small readers shared by the API tests, so that a change of the error body is made in one place."""


def field_errors(response) -> dict:
    """The field errors of a 400 answer: {field: [messages]}."""
    return response.json()

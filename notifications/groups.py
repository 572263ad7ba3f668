"""Channel-layer group names: one per user and one per center board, never one giant group."""


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def board_group(center_id: int) -> str:
    return f"board.{center_id}"

"""The ASGI process loads the whole app at start and keeps it out of the garbage collector's walks."""

import gc


def test_the_loaded_app_is_frozen_out_of_garbage_collection():
    import zero_gig.asgi  # noqa: F401  (what every server process imports)

    assert gc.get_freeze_count() > 50_000

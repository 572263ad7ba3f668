"""The ASGI process loads the whole app at start and keeps it out of the garbage collector's walks."""

import gc


def test_the_loaded_app_is_frozen_out_of_garbage_collection():
    import zero_gig.asgi  # noqa: F401  (what every server process imports)

    assert gc.get_freeze_count() > 50_000


def test_a_server_process_collects_young_objects_rarely_so_sockets_are_not_walked_in_a_wave():
    import zero_gig.asgi

    assert gc.get_threshold() == zero_gig.asgi.ASGI_GC_THRESHOLDS

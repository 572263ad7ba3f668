"""`python -m zero_gig.serve` supervises its scheduler: a scheduler that dies is started again (after a back-off),
and stopping the server stops it for good."""

import sys
import time

from zero_gig.serve import Supervised


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_the_scheduler_is_started_again_when_it_dies_and_stopped_with_the_server(tmp_path):
    """A scheduler that dies (killed, out of memory, a bug) is restarted after a back-off, not left dead."""
    starts = tmp_path / "starts"
    child = [sys.executable, "-c", f"open({str(starts)!r}, 'a').write('x'); import sys; sys.exit(1)"]
    supervised = Supervised(child, first_delay=0.05, max_delay=0.1).start()
    try:
        assert wait_for(lambda: starts.exists() and len(starts.read_text()) >= 3, 10)
        assert supervised.restarts >= 2
    finally:
        supervised.stop()
    count = len(starts.read_text())
    time.sleep(0.3)
    assert len(starts.read_text()) == count  # stopped: no more restarts


def test_stopping_the_supervisor_stops_a_running_child():
    supervised = Supervised([sys.executable, "-c", "import time; time.sleep(60)"], first_delay=0.05).start()
    process = supervised.process
    supervised.stop(timeout=5)
    assert process.poll() is not None and supervised.restarts == 0

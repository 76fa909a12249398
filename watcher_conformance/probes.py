# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""Instruments for forcing interleavings and observing them.

Everything here waits with a bound and reports whether the bound was hit,
so a check fails with a message instead of hanging. They use the
``threading`` module, which is green once eventlet has monkey-patched it, so
the same probe works in every mode.
"""

import sys
import threading
import time

from watcher_conformance import modes


class Gate:
    """A one-way door that tasks wait at until the test opens it.

    :param timeout: seconds a waiter waits at most.
    """

    def __init__(self, timeout):
        self.timeout = timeout
        self._event = threading.Event()
        self.timed_out = 0

    def open(self):
        self._event.set()

    def wait(self):
        """Wait until open; False (and counted) if the bound passed first."""
        if self._event.wait(self.timeout):
            return True
        self.timed_out += 1
        return False

    def poll(self, seconds):
        """Wait at most *seconds* (not counted): True if open."""
        return self._event.wait(seconds)


class InFlight:
    """Counts tasks running at once and remembers the peak.

    Use as ``with in_flight: ...`` inside a task.
    """

    def __init__(self):
        self._cond = threading.Condition()
        self.current = 0
        self.peak = 0

    def __enter__(self):
        with self._cond:
            self.current += 1
            self.peak = max(self.peak, self.current)
            self._cond.notify_all()
        return self

    def __exit__(self, *exc):
        with self._cond:
            self.current -= 1
            self._cond.notify_all()

    def wait_running(self, count, timeout):
        """Wait until *count* tasks run at the same time; False on
        timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: self.current >= count,
                                       timeout)


class Recorder:
    """A thread-safe list of events, with waiting for a length."""

    def __init__(self):
        self._cond = threading.Condition()
        self.items = []

    def add(self, item):
        with self._cond:
            self.items.append(item)
            self._cond.notify_all()

    def wait_for_length(self, length, timeout):
        with self._cond:
            return self._cond.wait_for(lambda: len(self.items) >= length,
                                       timeout)


def start_thread(fn, *args, name='conformance-helper'):
    """Run ``fn(*args)`` in a daemon thread (green under eventlet).

    :returns: the thread, and its outcome: a dict that gets ``value`` or
        ``error`` (and holds ``thread``).
    """
    outcome = {}

    def run():
        try:
            outcome['value'] = fn(*args)
        except BaseException as exc:
            outcome['error'] = exc
    thread = outcome['thread'] = threading.Thread(target=run, daemon=True,
                                                  name=name)
    thread.start()
    return thread, outcome


def settle(window):
    """Let everything that is ready run, for *window* seconds.

    Only for watching that something does NOT happen: a correct
    implementation's verdict never depends on how long this lasts.
    """
    deadline = time.monotonic() + window
    while True:
        time.sleep(0)  # green under eventlet: runs every ready green thread
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        time.sleep(min(remaining, 0.01))


_BLOCKING = {('threading.py', 'wait'), ('threading.py', 'acquire'),
             ('threading.py', '_wait_for_tstate_lock'), ('queue.py', 'get'),
             ('queue.py', 'join'), ('queue.py', 'put')}


def _innermost(ident):
    frame = sys._current_frames().get(ident)
    if frame is None:
        return None
    return frame.f_code.co_filename, frame.f_code.co_name, frame.f_lineno


def wait_until_blocked(thread, timeout):
    """Wait until *thread* is blocked: in a lock, condition or queue wait,
    or sitting on one line (a C call, a polling sleep). True if it got
    there before *timeout*, False if it ended or never blocked.

    This is how a check makes sure another thread has reached the point
    where a race can bite (a shutdown waiting for its queue to drain)
    before it provokes the race.
    """
    if modes.requested().enter:
        # Green threads run until they block: once every ready one has had
        # its turn, *thread* is blocked (or done).
        for _ in range(20):
            time.sleep(0)
        return thread.is_alive()
    deadline = time.monotonic() + timeout
    last, same = None, 0
    while time.monotonic() < deadline and thread.is_alive():
        where = _innermost(thread.ident)
        if where is not None:
            filename, function, _ = where
            if (filename.rsplit('/', 1)[-1], function) in _BLOCKING:
                return True
            same = same + 1 if where == last else 0
            if same >= 5:
                return True
        last = where
        time.sleep(0.002)
    return False


class Ticker:
    """A thread that, each time it gets to run, notes a progress count.

    Under eventlet it runs only when the thread doing the work yields, so
    the largest step between two of its notes is the most work done without
    yielding: a count of work, not a time.

    :param progress: a callable giving the current progress count.
    """

    def __init__(self, progress):
        self.progress = progress
        self.notes = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name='conformance-ticker')

    def _run(self):
        while not self._stop.is_set():
            self.notes.append(self.progress())
            time.sleep(0)

    def __enter__(self):
        self._thread.start()
        time.sleep(0)  # its first note, before the work starts
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)
        self.notes.append(self.progress())  # the stride up to the end

    @property
    def longest_stride(self):
        """The most progress made between two notes."""
        return max((b - a for a, b in zip(self.notes, self.notes[1:])),
                   default=0)

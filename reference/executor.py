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

"""The executor of the process's concurrency mode.

Under eventlet, futurist's green pool. Natively, the standard library's
pool with futurist's statistics added: futurist's own native pool hands
work over through ``queue.Queue`` and counts statistics under a second
lock, both contended by every worker and the submitter, and at tens of
thousands of short tasks it costs the model builder 60% more (``tox -e
bench``, case build-10000x20).
"""

import concurrent.futures
import threading
import time
import warnings

import futurist
from oslo_utils import eventletutils


def green():
    """True when eventlet has patched threading in this process."""
    return eventletutils.is_monkey_patched('thread')


#: Items a long loop handles between two yields under eventlet: small enough
#: that other green threads never wait long, large enough to cost nothing.
YIELD_EVERY = 256


def cooperative(iterable):
    """*iterable*, yielding to other green threads every
    :data:`YIELD_EVERY` items under eventlet (``greenthread.sleep(0)``: a
    long loop would otherwise starve them); *iterable* itself natively,
    where the interpreter switches threads by itself."""
    if not green():
        return iterable
    return _yielding(iterable)


def _yielding(iterable):
    for i, item in enumerate(iterable, 1):
        if not i % YIELD_EVERY:
            time.sleep(0)  # green: run the other ready green threads
        yield item


def make(max_workers):
    """A GreenThreadPoolExecutor under eventlet, else a
    :class:`ThreadPoolExecutor`."""
    if green():
        with warnings.catch_warnings():
            # futurist deprecates its green executor; eventlet mode is
            # exactly where it is still the right one.
            warnings.simplefilter('ignore', DeprecationWarning)
            return futurist.GreenThreadPoolExecutor(max_workers=max_workers)
    return ThreadPoolExecutor(max_workers=max_workers)


class ThreadPoolExecutor(concurrent.futures.ThreadPoolExecutor):
    """The standard library's pool, with a ``statistics`` property like
    futurist's (a :class:`futurist.ExecutorStatistics`)."""

    def __init__(self, max_workers):
        super().__init__(max_workers=max_workers,
                         thread_name_prefix='threadpool')
        # thread id -> [executed, failures, runtime, cancelled]. Each
        # thread only changes its own entry: counting takes no lock for
        # workers to contend on.
        self._tallies = {}

    def _tally(self):
        ident = threading.get_ident()
        tally = self._tallies.get(ident)
        if tally is None:
            tally = self._tallies[ident] = [0, 0, 0.0, 0]
        return tally

    @property
    def statistics(self):
        executed, failures, runtime, cancelled = (
            sum(column) for column in zip([0, 0, 0.0, 0],
                                          *list(self._tallies.values())))
        return futurist.ExecutorStatistics(
            failures=failures, executed=executed, runtime=runtime,
            cancelled=cancelled)

    def submit(self, fn, *args, **kwargs):
        future = super().submit(self._run, fn, args, kwargs)
        future.add_done_callback(self._count_cancelled)
        return future

    def _run(self, fn, args, kwargs):
        tally = self._tally()
        start = time.monotonic()
        try:
            return fn(*args, **kwargs)
        except BaseException:
            tally[1] += 1
            raise
        finally:
            # Before the future is done: a caller that saw it done sees it
            # counted.
            tally[2] += time.monotonic() - start
            tally[0] += 1

    def _count_cancelled(self, future):
        if future.cancelled():
            self._tally()[3] += 1

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

"""A bounded crew of workers draining one double-ended job queue.

Not an executor from futurist or concurrent.futures: a fixed number of
threads (green threads once eventlet has patched ``threading``) take jobs
from one deque under one condition. A job may be *urgent*: it goes to the
front of the queue, so follow-up work finishes what is started before new
work begins. The futures handed out are of the mode's kind (futurist's
``Future`` with native threads, ``GreenFuture`` under eventlet), so callers
wait on them with ``futurist.waiters`` or ``result()`` as usual.

Workers start on the first job, never at import or construction, and
:meth:`Crew.stop` returns at once: queued jobs are cancelled, running ones
are left to finish on their own (they are daemon threads).
"""

import collections
import itertools
import threading

import futurist

_NAMES = itertools.count(1)


def future_class(green):
    """The future class of the mode: green under eventlet."""
    return futurist.GreenFuture if green else futurist.Future


class Crew:
    """*size* workers, one job queue, futures of the mode's kind."""

    def __init__(self, size, green, name='crew'):
        self._size = size
        self._green = green
        self._name = '%s-%d' % (name, next(_NAMES))
        self._jobs = collections.deque()
        self._cond = threading.Condition(threading.Lock())
        self._workers = []
        self._stopped = False

    def submit(self, fn, *args, urgent=False, **kwargs):
        """Queue ``fn(*args, **kwargs)``; urgent jobs jump the queue."""
        future = future_class(self._green)()
        job = (future, fn, args, kwargs)
        with self._cond:
            if self._stopped:
                raise RuntimeError('%s is stopped' % self._name)
            if urgent:
                self._jobs.appendleft(job)
            else:
                self._jobs.append(job)
            self._hire()
            self._cond.notify()
        return future

    def _hire(self):
        # Called with the condition held: the crew is at full size from
        # the first job on.
        while len(self._workers) < self._size:
            worker = threading.Thread(
                target=self._work, daemon=True,
                name='%s-w%d' % (self._name, len(self._workers) + 1))
            self._workers.append(worker)
            worker.start()

    def _take(self):
        with self._cond:
            while not self._jobs and not self._stopped:
                self._cond.wait()
            if self._stopped:
                return None
            return self._jobs.popleft()

    def _work(self):
        while True:
            job = self._take()
            if job is None:
                return
            future, fn, args, kwargs = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = fn(*args, **kwargs)
            except Exception as exc:
                future.set_exception(exc)
            else:
                future.set_result(result)
            del job, future, fn, args, kwargs

    def cancel(self, futures):
        """Drop the queued jobs of *futures* (running ones are left)."""
        doomed = set(futures)
        with self._cond:
            kept = [job for job in self._jobs if job[0] not in doomed]
            self._jobs.clear()
            self._jobs.extend(kept)
        for future in doomed:
            future.cancel()

    def stop(self):
        """Stop at once: cancel what is queued, let running jobs end."""
        with self._cond:
            self._stopped = True
            queued = [job[0] for job in self._jobs]
            self._jobs.clear()
            self._cond.notify_all()
        for future in queued:
            future.cancel()

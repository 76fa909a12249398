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

"""A fixed crew of long-lived workers pulling jobs from one FIFO queue.

The crew is the engine's only bound on parallelism: it has exactly *size*
workers, started on the first job, so no more than *size* actions of all
the engine's plans run at once. A worker is a native thread in threading
mode and a green thread (``eventlet.spawn_n``) in eventlet mode. There are
no futures: a job reports its own outcome to whoever is waiting for it.

Stopping the crew never waits: each worker leaves when it next reaches the
queue, and a worker stuck in a job is left to finish on its own.
"""

import logging
import queue
import threading

LOG = logging.getLogger(__name__)

_STOP = object()


def _spawner(mode):
    if mode == 'eventlet':
        import eventlet
        return eventlet.spawn_n

    def spawn(fn):
        threading.Thread(target=fn, daemon=True,
                         name='indep-engine-worker').start()
    return spawn


class Crew:
    """*size* workers of *mode* ('threading' or 'eventlet')."""

    def __init__(self, size, mode):
        self.size = size
        self._mode = mode
        self._jobs = queue.Queue()
        self._lock = threading.Lock()
        self._started = False
        self._stopped = False

    def submit(self, job):
        """Queue ``job()``; False (and nothing queued) once stopped."""
        with self._lock:
            if self._stopped:
                return False
            if not self._started:
                spawn = _spawner(self._mode)
                for _ in range(self.size):
                    spawn(self._work)
                self._started = True
            self._jobs.put(job)
            return True

    def stop(self):
        """Let every worker leave once it reaches the queue."""
        with self._lock:
            self._stopped = True
            started, self._started = self._started, False
        if started:
            for _ in range(self.size):
                self._jobs.put(_STOP)

    def _work(self):
        while True:
            job = self._jobs.get()
            if job is _STOP:
                return
            try:
                job()
            except Exception:
                LOG.exception('engine job %r failed', job)

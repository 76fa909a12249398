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

"""A small general-purpose pool with upstream DecisionEngineThreadPool's
API: the "implementation under test" of the user guide.

Its do_while loop waits with futurist's ``wait_for_any``, as upstream's
does, and removes a finished future in a way that works for lists, sets and
dicts alike.
"""

import threading
import time

import futurist
from futurist import waiters
from oslo_utils import eventletutils

#: Callbacks between two yields to other green threads.
YIELD_EVERY = 100


class MyPool:
    """The process-wide pool: ``MyPool.instance()``."""

    #: Workers of the instance; read once, when the instance is created.
    workers = 4

    _instance = None
    _lock = threading.Lock()

    @classmethod
    def instance(cls):
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def __init__(self):
        # Green workers when eventlet has patched the process: futures
        # must be of the process's kind.
        if eventletutils.is_monkey_patched('thread'):
            self._executor = futurist.GreenThreadPoolExecutor(self.workers)
        else:
            self._executor = futurist.ThreadPoolExecutor(self.workers)

    def submit(self, fn, *args, **kwargs):
        return self._executor.submit(fn, *args, **kwargs)

    def shutdown(self, wait=True):
        self._executor.shutdown(wait=wait)

    @staticmethod
    def do_while_futures(futures, fn, *args, futures_timeout=None,
                         **kwargs):
        """Call ``fn(future, *args, **kwargs)`` as each future finishes;
        the caller's collection is left untouched."""
        MyPool.do_while_futures_modify(list(futures), fn, *args,
                                       futures_timeout=futures_timeout,
                                       **kwargs)

    @staticmethod
    def do_while_futures_modify(futures, fn, *args, futures_timeout=None,
                                **kwargs):
        """Like do_while_futures, removing each future after its callback
        (and awaiting futures that callbacks add)."""
        remove = futures.pop if isinstance(futures, dict) else futures.remove
        while futures:
            done, not_done = waiters.wait_for_any(list(futures),
                                                  timeout=futures_timeout)
            if not done:
                # Nothing finished in time: give up on what has not started.
                for future in not_done:
                    future.cancel()
                return
            for count, future in enumerate(done, 1):
                fn(future, *args, **kwargs)
                remove(future)
                if not count % YIELD_EVERY:
                    # Under eventlet, a long run of finished futures would
                    # keep every other green thread waiting: let them run.
                    time.sleep(0)

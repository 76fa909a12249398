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

"""Locks and offloading, as the services use them, without their traps.

* :meth:`Primitives.lock` is ``oslo_concurrency.lockutils.lock`` (internal,
  external with a lock file, fair), except that taking a lock the same
  thread already holds raises :class:`LockReentry` at once: lockutils'
  locks are not re-entrant, and a nested call on the same name deadlocks
  the thread forever.
* An external lock without a lock path is refused with
  :class:`LockPathMissing` naming the lock, not lockutils' bare
  ``RequiredOptError``.
* :meth:`Primitives.offload` runs a call that blocks in C (a database
  driver, a native library) in a native thread under eventlet
  (``eventlet.tpool``), so that the other green threads keep running; with
  native threads it calls it directly: it only holds up its own thread.
"""

import contextlib
import threading

from eventlet import tpool
from oslo_concurrency import lockutils

from reference import executor


class LockReentry(RuntimeError):
    """A thread asked for a lock it already holds."""


class LockPathMissing(ValueError):
    """An external lock was asked for without a directory for its file."""


class Primitives:
    """:param lock_path: the default directory of external lock files."""

    def __init__(self, lock_path=None):
        self.lock_path = lock_path
        self._holders = {}
        self._guard = threading.Lock()

    @contextlib.contextmanager
    def lock(self, name, external=False, lock_path=None, fair=False):
        """Hold the lock *name* for the ``with`` block.

        :param external: also across processes, through a file in
            *lock_path* (or the default given at construction).
        :param fair: waiters get the lock in the order they asked.
        :raises LockReentry: the calling thread already holds *name*.
        :raises LockPathMissing: *external* without a lock path.
        """
        me = threading.get_ident()  # the green thread's under eventlet
        with self._guard:
            if me in self._holders.get(name, ()):
                raise LockReentry(
                    'lock %r is already held by this thread: lockutils '
                    'locks are not re-entrant, a nested acquire would '
                    'deadlock' % name)
        path = lock_path or self.lock_path
        if external and not path:
            raise LockPathMissing('external lock %r needs a lock_path (or '
                                  '[oslo_concurrency] lock_path)' % name)
        with lockutils.lock(name, external=external, lock_path=path,
                            fair=fair, do_log=False):
            with self._guard:
                self._holders.setdefault(name, set()).add(me)
            try:
                yield
            finally:
                with self._guard:
                    self._holders[name].discard(me)

    @staticmethod
    def offload(fn, *args, **kwargs):
        """``fn(*args, **kwargs)``, without stalling other green
        threads."""
        if executor.green():
            return tpool.execute(fn, *args, **kwargs)
        return fn(*args, **kwargs)

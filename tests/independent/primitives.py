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

"""An independent ``primitives`` piece: named locks and offloading.

Written from the contract alone, without oslo.concurrency's lockutils:

* In-process locks live in a registry of named locks with reference counts:
  an entry exists while some thread holds or waits for the name, and is
  dropped when the last one leaves (no weak references). Plain and fair
  locks of one name are two distinct locks.
* A nested acquire by the thread (or green thread) that already holds the
  lock raises :class:`LockReentryError` at once: the locks are not
  reentrant, and a nested acquire is reported as the programming error it
  is rather than silently allowed or left to deadlock.
* A plain lock is a ``threading.Lock`` (green under eventlet) with an owner.
* A fair lock is a FIFO queue of tickets: a thread that finds the lock taken
  queues an event and sleeps on it; release hands the lock directly to the
  head of the queue, so nobody can barge in and grants follow arrival order.
* ``external=True`` takes the in-process lock first, then an ``flock`` on a
  file in ``lock_path`` (blocking in threading mode, polled with green
  sleeps under eventlet so the hub keeps running). Without ``lock_path`` it
  raises :class:`LockPathRequired`.
* ``offload(fn, *args, **kwargs)`` calls fn directly in threading mode (a
  native thread blocking in C blocks only itself). Under eventlet it runs fn
  in a fresh native thread and the green caller waits on a pipe through the
  hub, so other green threads run while fn blocks.
"""

import collections
import errno
import fcntl
import os
import threading
import time
import urllib.parse

from watcher_conformance import contract

_POLL_FIRST = 0.001
_POLL_MAX = 0.05


class LockReentryError(RuntimeError):
    """The calling thread already holds (or waits for) this lock."""


class LockPathRequired(ValueError):
    """An external lock was asked for without a lock_path."""


class _PlainLock(object):
    """A non-reentrant lock that knows its owner; no ordering promise."""

    def __init__(self):
        self._lock = threading.Lock()
        self._owner = None

    def acquire(self, name):
        me = threading.get_ident()
        # Only this thread ever stores its own ident, so the read is safe.
        if self._owner == me:
            raise LockReentryError(
                'lock %r is already held by this thread; locks are not '
                'reentrant' % name)
        self._lock.acquire()
        self._owner = me

    def release(self):
        self._owner = None
        self._lock.release()


class _Ticket(object):
    """One queued request for a fair lock."""

    def __init__(self, ident):
        self.ident = ident
        self.granted = threading.Event()


class _FairLock(object):
    """A FIFO lock: release hands ownership to the oldest waiter."""

    def __init__(self):
        self._mutex = threading.Lock()
        self._queue = collections.deque()
        self._owner = None

    def acquire(self, name):
        me = threading.get_ident()
        with self._mutex:
            if self._owner == me:
                raise LockReentryError(
                    'fair lock %r is already held by this thread; locks are '
                    'not reentrant' % name)
            if self._owner is None and not self._queue:
                self._owner = me
                return
            ticket = _Ticket(me)
            self._queue.append(ticket)
        try:
            ticket.granted.wait()
        except BaseException:
            self._withdraw(ticket)
            raise

    def _withdraw(self, ticket):
        """A waiter was interrupted: leave the queue, or pass the lock on
        if it was granted meanwhile."""
        with self._mutex:
            if ticket in self._queue:
                self._queue.remove(ticket)
                return
        self.release()

    def release(self):
        with self._mutex:
            if self._queue:
                ticket = self._queue.popleft()
                self._owner = ticket.ident
                ticket.granted.set()
            else:
                self._owner = None


class _Registry(object):
    """Named in-process locks, kept while someone holds or waits for them."""

    def __init__(self):
        self._mutex = threading.Lock()
        self._entries = {}

    def checkout(self, key):
        with self._mutex:
            entry = self._entries.get(key)
            if entry is None:
                entry = self._entries[key] = [_FairLock() if key[1]
                                              else _PlainLock(), 0]
            entry[1] += 1
            return entry[0]

    def checkin(self, key):
        with self._mutex:
            entry = self._entries[key]
            entry[1] -= 1
            if not entry[1]:
                del self._entries[key]

    def names(self):
        with self._mutex:
            return sorted(self._entries)


def _lock_file_path(lock_path, name):
    """One file per lock name; the name is quoted, so no two names share a
    file and no name escapes the directory."""
    return os.path.join(lock_path,
                        'indep-lock-' + urllib.parse.quote(name, safe=''))


class _FileLock(object):
    """An flock on a file in lock_path: excludes other processes."""

    def __init__(self, path, green):
        self._path = path
        self._green = green
        self._fd = None

    def acquire(self):
        os.makedirs(os.path.dirname(self._path), exist_ok=True)
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if self._green:
                self._poll(fd)
            else:
                fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    @staticmethod
    def _poll(fd):
        """Try the lock without blocking the hub; back off between tries."""
        delay = _POLL_FIRST
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
            time.sleep(delay)  # green under eventlet's monkey patch
            delay = min(delay * 2, _POLL_MAX)

    def release(self):
        fd, self._fd = self._fd, None
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


class _Guard(object):
    """The context manager lock() returns: registry lock, then file lock."""

    def __init__(self, registry, name, fair, file_lock):
        self._registry = registry
        self._name = name
        self._key = (name, bool(fair))
        self._file_lock = file_lock
        self._lock = None

    def __enter__(self):
        lock = self._registry.checkout(self._key)
        try:
            lock.acquire(self._name)
        except BaseException:
            self._registry.checkin(self._key)
            raise
        try:
            if self._file_lock is not None:
                self._file_lock.acquire()
        except BaseException:
            lock.release()
            self._registry.checkin(self._key)
            raise
        self._lock = lock
        return self

    def __exit__(self, *exc_info):
        lock, self._lock = self._lock, None
        try:
            if self._file_lock is not None:
                self._file_lock.release()
        finally:
            lock.release()
            self._registry.checkin(self._key)
        return False


def _run_in_native_thread(fn, args, kwargs):
    """Run fn in a new OS thread; the green caller waits on a pipe."""
    from eventlet import hubs
    from eventlet import patcher
    real_os = patcher.original('os')
    real_threading = patcher.original('threading')
    outcome = {}
    read_fd, write_fd = real_os.pipe()

    def run():
        try:
            outcome['value'] = fn(*args, **kwargs)
        except BaseException as exc:
            outcome['error'] = exc
        finally:
            try:
                real_os.write(write_fd, b'.')
            except OSError:
                pass  # the caller gave up waiting
            real_os.close(write_fd)

    try:
        real_threading.Thread(target=run, name='offload',
                              daemon=True).start()
        # One byte, or end of file, arrives when fn is done; meanwhile the
        # hub runs the other green threads.
        hubs.trampoline(read_fd, read=True)
        real_os.read(read_fd, 1)
    finally:
        real_os.close(read_fd)
    if 'error' in outcome:
        raise outcome['error']
    return outcome['value']


class Primitives(object):
    """The piece: lock(name, ...) and offload(fn, *args)."""

    def __init__(self, mode):
        self._green = mode == 'eventlet'
        self._registry = _Registry()

    def lock(self, name, external=False, lock_path=None, fair=False):
        """A context manager holding lock ``name``.

        :raises LockPathRequired: at once, for external=True without
            lock_path.
        :raises LockReentryError: on entry, if this thread holds it.
        """
        file_lock = None
        if external:
            if not lock_path:
                raise LockPathRequired(
                    'external lock %r needs a lock_path: the directory of '
                    'its lock file; refusing to fall back to a process-'
                    'local lock' % name)
            file_lock = _FileLock(_lock_file_path(lock_path, name),
                                  self._green)
        return _Guard(self._registry, name, fair, file_lock)

    def offload(self, fn, *args, **kwargs):
        """Call fn(*args, **kwargs) so that a block in C stalls nobody
        else: a direct call with native threads, a native thread under
        eventlet."""
        if not self._green:
            return fn(*args, **kwargs)
        return _run_in_native_thread(fn, args, kwargs)

    def held_names(self):
        """(name, fair) keys of the locks held or awaited now."""
        return self._registry.names()


class PrimitivesProvider(contract.Provider):
    """One Primitives per test: same object from get() until reset()."""

    def __init__(self, settings):
        self._mode = settings.mode
        self._mutex = threading.Lock()
        self._piece = None

    def get(self):
        with self._mutex:
            if self._piece is None:
                self._piece = Primitives(self._mode)
            return self._piece

    def reset(self):
        # Nothing runs in the background: forgetting the registry is all.
        # Locks still held by stuck threads stay with their Guards.
        with self._mutex:
            self._piece = None


IMPLEMENTATION = contract.Implementation(
    name='indep-primitives',
    version='0.1',
    modes={'threading', 'eventlet'},
    pieces={'primitives': PrimitivesProvider},
    features={'primitives.external_locks', 'primitives.fair_locks'},
    description='independent primitives: lock registry with a FIFO ticket '
                'lock, flock files, native-thread offload under eventlet',
)

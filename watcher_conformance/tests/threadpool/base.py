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

"""What every threadpool check builds on."""

from watcher_conformance import base
from watcher_conformance import probes

COPY = 'do_while_futures'
MODIFY = 'do_while_futures_modify'


class TimedOut(Exception):
    """A task waited at a gate the test never opened in time."""


class ThreadPoolTestCase(base.ConformanceTestCase):
    """A fresh pool of ``max_workers`` workers in ``self.pool``, and helpers
    for forcing interleavings on it."""

    piece_name = 'threadpool'

    def setUp(self):
        super().setUp()
        self.pool = self.piece
        self.workers = self.conf.max_workers

    def gate(self):
        """A closed :class:`~watcher_conformance.probes.Gate`; it is opened
        at cleanup so that no task outlives the test.

        Tasks wait at it for twice ``wait_timeout``: longer than any
        observation of them, so a task never gives up while the check is
        still watching whether it runs."""
        gate = probes.Gate(2 * self.conf.wait_timeout)
        self.addCleanup(gate.open)
        return gate

    def submit(self, fn, *args, **kwargs):
        with self.bounded('submit'):
            return self.pool.submit(fn, *args, **kwargs)

    def submit_gated(self, gate, value=None, in_flight=None):
        """Submit a task that waits at *gate* and returns *value*, counted
        by *in_flight*; it raises :class:`TimedOut` if the gate stays shut."""
        def task():
            with in_flight or _NULL:
                if not gate.wait():
                    raise TimedOut('gate not opened within %.1f s'
                                   % gate.timeout)
                return value
        return self.submit(task)

    def submit_values(self, values):
        return [self.submit(_identity, v) for v in values]

    def submit_held(self, count, after=''):
        """*count* tasks (at most W), task i returning i, each held at a
        gate of its own, all running when this returns; *after* says what
        happened to the pool before, for the message.

        :returns: the gates and the futures, in submission order.
        """
        gates, in_flight = [self.gate() for _ in range(count)], \
            probes.InFlight()
        futures = [self.submit_gated(g, i, in_flight)
                   for i, g in enumerate(gates)]
        self.assertTrue(in_flight.wait_running(count, self.conf.wait_timeout),
                        '%sonly %d of %d tasks waiting for each other ran at '
                        'once within %.1f s; the contract demands W = %d at '
                        'once' % (after and after + ', ', in_flight.peak,
                                  count, self.conf.wait_timeout,
                                  self.workers))
        return gates, futures

    def start_do_while(self, variant, futures, fn, *args, **kwargs):
        """Call the pool's *variant* in another thread: (thread, outcome)
        of :meth:`start_thread`; :meth:`finish` it."""
        method = getattr(self.pool, variant)
        return self.start_thread(lambda: method(futures, fn, *args,
                                                **kwargs))

    def do_while(self, variant, futures, fn, *args, **kwargs):
        """Call the pool's *variant* (COPY or MODIFY), bounded."""
        with self.bounded(variant):
            return getattr(self.pool, variant)(futures, fn, *args, **kwargs)

    def wait_done(self, futures):
        """Wait (bounded) until every future finished, without the pool's
        own waiting code."""
        for f in futures:
            with self.bounded('a submitted task'):
                try:
                    f.exception(timeout=self.conf.wait_timeout)
                except Exception:
                    pass  # cancelled, or the bound: asserted by the caller
        self.assertTrue(all(f.done() for f in futures),
                        'tasks did not finish within %.1f s'
                        % self.conf.wait_timeout)

    def join(self, thread, what):
        thread.join(self.conf.wait_timeout)
        self.assertFalse(thread.is_alive(), '%s did not return within %.1f s'
                         % (what, self.conf.wait_timeout))


class _Null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


_NULL = _Null()


def _identity(value):
    return value


def names(futures):
    """A function naming a future by its place in *futures* ("#2 of 4"),
    for messages."""
    index = {id(f): i for i, f in enumerate(futures)}

    def name(future):
        i = index.get(id(future))
        if i is None:
            return 'a future not of the collection (%r)' % (future,)
        return '#%d of %d' % (i, len(futures))
    return name


def orders(count):
    """Completion orders that invert submission: (description, order of
    indexes), the last submitted finishing first in each."""
    backwards = list(reversed(range(count)))
    odd_first = (list(reversed(range(1, count, 2)))
                 + list(range(0, count, 2)))
    found = [('the last submitted first, then backwards', backwards)]
    if odd_first != backwards:
        found.append(('the odd ones last to first, then the even ones',
                      odd_first))
    return found

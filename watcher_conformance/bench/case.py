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

"""A benchmark case, and the work it measures."""

import abc
import dataclasses
import types
import typing

from watcher_conformance import contract

#: What a target or an upstream figure may be about, and how it reads.
METRICS = {
    'ratio': '%.2fx',            # seconds / the case's bound
    'seconds': '%.3g s',         # best time of a run
    'peak_memory_mb': '%.0f MB',  # peak traced memory of a run
    'raw_ratio': '%.2fx',        # seconds / the raw baseline's seconds
}


class Workload(abc.ABC):
    """The work of a case: set up once, then run many times.

    Built with the case's ``knobs`` as keyword arguments and the case's
    worker count as ``workers``. The runner calls :meth:`setup` once, then
    :meth:`prepare` before each run and times only the call it returns;
    it hands the first run's result to :meth:`check`; :meth:`teardown`
    comes last, whatever happened.
    """

    #: One line under the table, for the cases of this workload: what the
    #: bound and the raw baseline are.
    note = ''

    def __init__(self, workers, **knobs):
        self.workers = workers

    def setup(self):
        """Make what every run needs (not measured)."""

    @abc.abstractmethod
    def prepare(self, piece):
        """A callable without arguments: one run of *piece*, what is timed.
        Anything that is not the piece's work (a fresh simulator) is made
        here."""

    @abc.abstractmethod
    def check(self, piece, result):
        """What is wrong with *result* (what a run returned): one line per
        problem, an empty list when it is right."""

    def prepare_raw(self):
        """Like :meth:`prepare`, for the same work done with the bare
        library and no piece around it; None when there is no such
        baseline."""
        return None

    def teardown(self):
        """Release what :meth:`setup` and the raw baseline hold."""


@dataclasses.dataclass(frozen=True)
class Case:
    """One line of the table.

    :param name: unique; what ``--case`` selects.
    :param piece: the contract piece measured (a key of
        :data:`watcher_conformance.contract.PIECES`).
    :param workload: the :class:`Workload` class that runs it.
    :param workers: the worker count the piece is configured with
        (``Settings.max_workers``).
    :param knobs: keyword arguments for the workload (the shape of the
        cloud, the latency...).
    :param description: one line for people.
    :param bound: ``bound(case)``: the seconds no run can beat (the I/O it
        must wait for); None when the case has none. The ratio is the time
        over the bound, None when the bound is 0.
    :param targets: metric (a key of :data:`METRICS`) -> the most it may
        be; a case meets its targets when every figure is measured and
        within.
    :param upstream: metric -> upstream Watcher's figure, for comparison.
    :param memory: measure the peak memory (a separate run under
        tracemalloc); implied by a ``peak_memory_mb`` target.
    """

    name: str
    piece: str
    workload: type
    workers: int
    knobs: typing.Mapping = dataclasses.field(default_factory=dict)
    description: str = ''
    bound: typing.Callable = None
    targets: typing.Mapping = dataclasses.field(default_factory=dict)
    upstream: typing.Mapping = dataclasses.field(default_factory=dict)
    memory: bool = False

    def __post_init__(self):
        # Frozen: normalise through object.__setattr__, then validate.
        for name in ('knobs', 'targets', 'upstream'):
            object.__setattr__(self, name, types.MappingProxyType(
                dict(getattr(self, name))))
        if 'peak_memory_mb' in self.targets:
            object.__setattr__(self, 'memory', True)
        if self.piece not in contract.PIECES:
            raise ValueError('case %s: unknown piece %r (known: %s)'
                             % (self.name, self.piece,
                                ', '.join(sorted(contract.PIECES))))
        for kind in ('targets', 'upstream'):
            unknown = sorted(set(getattr(self, kind)) - set(METRICS))
            if unknown:
                raise ValueError('case %s: unknown metric %s in %s (known: '
                                 '%s)' % (self.name, ', '.join(unknown), kind,
                                          ', '.join(sorted(METRICS))))

    def bound_seconds(self):
        return None if self.bound is None else self.bound(self)


def format_figures(figures, prefix=''):
    """``{'seconds': 17, 'peak_memory_mb': 770}`` as ``17 s, 770 MB``,
    each figure after *prefix*."""
    return ', '.join(prefix + METRICS[metric] % value
                     for metric, value in figures.items())

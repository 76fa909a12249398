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

"""Deliberately broken implementations: each has one realistic defect that
the suite must catch.

Every broken implementation is the reference with one thing changed, and
declares the same modes and features as the reference, so that a failing
check can only be blamed on that one change.
"""

import dataclasses

from reference import implementation as reference
from watcher_conformance import contract

#: Seconds a broken piece blocks at most where the real defect would block
#: forever: longer than the wait_timeout our tests give the suite, so the
#: suite sees the hang, and short enough that no worker outlives the run.
BOUND = 3.0


@dataclasses.dataclass(frozen=True)
class Case:
    """A broken implementation and the checks that must catch it.

    :param spec: ``module:attribute`` of the implementation.
    :param defect: what is wrong with it, in one line.
    :param catches: names of the check methods that must fail against it.
    :param modes: the modes in which those checks catch it.
    """

    spec: str
    defect: str
    catches: tuple
    modes: tuple = ('threading', 'eventlet')


def case_maker(module):
    """``case(attribute, defect, *catches, modes=...)``: the :class:`Case`
    of the broken implementation *attribute* of *module*."""
    def case(attribute, defect, *catches, **kwargs):
        return Case(module + ':' + attribute, defect, catches, **kwargs)
    return case


class SingletonProvider(reference.ThreadPoolProvider):
    """The reference's provider, for another pool class."""

    def __init__(self, pool_class, settings):
        super().__init__(settings, pool_class)


def implementation(name, pool_class=None, provider=None):
    """The reference with its threadpool replaced."""
    factory = provider or (lambda settings: SingletonProvider(pool_class,
                                                              settings))
    return replace_piece(name, 'threadpool', factory)


def replace_piece(name, piece, factory, policies=None):
    """The reference with *piece* made by *factory*, and the *policies*
    named changed."""
    ref = reference.IMPLEMENTATION
    declared = dict(ref.policies, **(policies or {}))
    return contract.Implementation(
        name='broken-' + name, version=ref.version, modes=ref.modes,
        pieces=dict(ref.pieces, **{piece: factory}), features=ref.features,
        policies=declared, description='broken on purpose: ' + name)

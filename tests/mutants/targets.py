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

"""What mutation-auto mutates, and which checks judge each mutant.

One entry per reference module the issue names; a module's checks are the
areas (or test modules) that build the pieces using it. Modules shared by
every piece (``reference/executor.py``) are judged with the threadpool's
checks, which use all of it.
"""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Target:
    """A set of reference files mutated together, judged by some checks.

    :param name: the target's name (``--target``; a shard of a run).
    :param paths: files mutated, relative to the top of the tree.
    :param checks: prefixes of check test paths below
        ``watcher_conformance.tests.``: an area (``'threadpool.'``) or one
        of its modules (``'threading_model.test_yielding.'``).
    """

    name: str
    paths: tuple
    checks: tuple


TARGETS = {t.name: t for t in (
    Target('threadpool', ('reference/threadpool.py', 'reference/executor.py'),
           ('threadpool.', 'threading_model.test_yielding.')),
    Target('builder', ('reference/builder.py',),
           ('model_builder.', 'threading_model.test_yielding.')),
    Target('model', ('reference/model.py',),
           ('model_builder.', 'threading_model.test_audits.')),
    Target('collector', ('reference/collector.py',),
           ('model_builder.test_sharing.', 'threading_model.test_audits.')),
    Target('applier', ('reference/applier/engine.py',
                       'reference/applier/store.py'),
           ('workflow.',)),
    Target('primitives', ('reference/primitives.py',),
           ('threading_model.test_locks.', 'threading_model.test_blocking.')),
    Target('audits', ('reference/audits.py',),
           ('threading_model.test_audits.',)),
    Target('conductor', ('reference/conductor.py',), ('conductor.',)),
)}


def check_ids(target, checks):
    """The idempotent ids of the *checks* (catalogue entries) that judge
    *target*."""
    prefixes = tuple('watcher_conformance.tests.' + p for p in target.checks)
    return [c.id for c in checks if c.test.startswith(prefixes)]

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

"""The plan as a graph: validation, parents, children and in-degrees.

A plan is checked completely before anything about it is stored or run:
every uuid once, every parent known, no cycle. The cycle test is Kahn's
algorithm over the in-degree counts, the same counts the scheduler later
consumes to find the actions that are ready.
"""

import collections


class InvalidPlan(ValueError):
    """A plan that cannot be run: refused before any action runs."""


class Graph:
    """Parents and children of each action of a valid plan.

    :param plan: a ``watcher_conformance.workflow.Plan``.
    :raises InvalidPlan: a duplicate uuid, an unknown parent or a cycle.
    """

    def __init__(self, plan):
        self.actions = {}
        for action in plan.actions:
            if action.uuid in self.actions:
                raise InvalidPlan('plan %s holds action %r twice'
                                  % (plan.uuid, action.uuid))
            self.actions[action.uuid] = action
        self.parents = {uuid: tuple(dict.fromkeys(action.parents))
                        for uuid, action in self.actions.items()}
        self.children = {uuid: [] for uuid in self.actions}
        for uuid, parents in self.parents.items():
            for parent in parents:
                if parent not in self.actions:
                    raise InvalidPlan('plan %s: action %r names unknown '
                                      'parent %r' % (plan.uuid, uuid, parent))
                self.children[parent].append(uuid)
        self._refuse_cycles(plan.uuid)

    def in_degrees(self):
        """uuid -> number of parents: what must finish before it starts."""
        return {uuid: len(parents) for uuid, parents in self.parents.items()}

    def roots(self):
        """The actions without parents, in plan order."""
        return [uuid for uuid, parents in self.parents.items()
                if not parents]

    def _refuse_cycles(self, plan_uuid):
        waiting = self.in_degrees()
        ready = collections.deque(self.roots())
        seen = 0
        while ready:
            seen += 1
            for child in self.children[ready.popleft()]:
                waiting[child] -= 1
                if not waiting[child]:
                    ready.append(child)
        if seen != len(self.actions):
            looped = sorted(u for u, n in waiting.items() if n)
            raise InvalidPlan('plan %s has a cycle among %s'
                              % (plan_uuid, ', '.join(looped)))

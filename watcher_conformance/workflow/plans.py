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

"""Plan shapes the checks and benchmarks run."""

import uuid as uuid_

from watcher_conformance import workflow

Action = workflow.Action


def _plan(shape, types, parameters, rule):
    """A plan of *shape* (name, parents) pairs; *types* and *parameters*
    map an action's name to its type (default ``nop``) and parameters."""
    types, parameters = types or {}, parameters or {}
    return workflow.Plan(str(uuid_.uuid4()), [
        Action(name, types.get(name, 'nop'), parents,
               dict(parameters.get(name, {}))) for name, parents in shape],
        rule)


def chain(length, types=None, parameters=None, rule=None):
    """a1 -> a2 -> ... -> a<length>."""
    return _plan([('a%d' % i, ['a%d' % (i - 1)] if i > 1 else [])
                  for i in range(1, length + 1)], types, parameters, rule)


def diamond(types=None, parameters=None, rule=None):
    """top -> (left, right) -> bottom."""
    return _plan([('top', []), ('left', ['top']), ('right', ['top']),
                  ('bottom', ['left', 'right'])], types, parameters, rule)


def branches(count, length, types=None, parameters=None, rule=None):
    """*count* independent chains b<i>-0 -> b<i>-1 -> ... of *length*."""
    return _plan([('b%d-%d' % (i, j), ['b%d-%d' % (i, j - 1)] if j else [])
                  for i in range(count) for j in range(length)],
                 types, parameters, rule)


def independent(count, types=None, parameters=None, rule=None):
    """i0 ... i<count-1>, without parents."""
    return _plan([('i%d' % i, []) for i in range(count)], types, parameters,
                 rule)


def layers(depth, width, action_type='nop', parameters=None):
    """*depth* layers of *width* actions l<d>-<w>, each action's parents
    being the whole previous layer; every action of *action_type* with
    *parameters*."""
    shape = [('l%d-%d' % (d, w),
              ['l%d-%d' % (d - 1, p) for p in range(width)] if d else [])
             for d in range(depth) for w in range(width)]
    return _plan(shape, {name: action_type for name, _ in shape},
                 {name: parameters or {} for name, _ in shape}, None)


def every(plan, value):
    """{name: value} for every action of *plan*: for *types* or
    *parameters* given to every action."""
    return {a.uuid: value for a in plan.actions}


def like(plan, types=None, parameters=None, rule=None):
    """A new plan (a new uuid) of *plan*'s shape, its actions of *types*
    and *parameters* (default ``nop``, none), under *rule*."""
    return _plan([(a.uuid, a.parents) for a in plan.actions], types,
                 parameters, rule)


def children(plan):
    """uuid -> the uuids of its children, in plan order."""
    found = {a.uuid: [] for a in plan.actions}
    for action in plan.actions:
        for parent in action.parents:
            found[parent].append(action.uuid)
    return found


def descendants(plan, uuid):
    """The uuids below *uuid* (its children, theirs, ...)."""
    below, found, todo = children(plan), set(), [uuid]
    while todo:
        for child in below[todo.pop()]:
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def ancestors(plan, uuid):
    """The uuids above *uuid* (its parents, theirs, ...)."""
    above = {a.uuid: a.parents for a in plan.actions}
    found, todo = set(), [uuid]
    while todo:
        for parent in above[todo.pop()]:
            if parent not in found:
                found.add(parent)
                todo.append(parent)
    return found

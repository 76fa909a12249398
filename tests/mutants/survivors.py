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

"""The dispositions of the survivors mutation-auto has seen.

``survivors.json`` lists every surviving mutant, by target and mode, with
one of:

* ``"equivalent"``: a one-line reason the mutation cannot change what the
  contract asks of the piece (it is left out of the kill rate);
* ``"killed_by"``: the idempotent id of the check written or strengthened
  to kill it (the next session of its shard confirms it: a killed mutant
  is no survivor).

A survivor is named by its file, Cosmic Ray operator, occurrence and the
source line it mutates, so that an edit elsewhere in the file keeps it.
"""

import dataclasses
import json
import os

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                    'survivors.json')
DISPOSITIONS = ('equivalent', 'killed_by')


@dataclasses.dataclass(frozen=True)
class Survivor:
    """A mutant no check killed."""

    module: str
    operator: str
    occurrence: int
    line: int
    code: str

    @classmethod
    def of(cls, item, tree):
        """The survivor of Cosmic Ray work *item*, its line read from the
        unmutated *tree*."""
        mutation = item.mutations[0]
        module = str(mutation.module_path)
        line = mutation.start_pos[0]
        with open(os.path.join(tree, module)) as f:
            code = f.read().splitlines()[line - 1].strip()
        return cls(module, mutation.operator_name, mutation.occurrence,
                   line, code)

    def key(self):
        return (self.module, self.operator, self.occurrence, self.code)

    def as_dict(self):
        return dataclasses.asdict(self)


class Known:
    """The committed dispositions, by (target, mode)."""

    def __init__(self, entries):
        self.entries = entries

    def of(self, target, mode):
        """(module, operator, occurrence, code) -> entry."""
        return {(e['module'], e['operator'], e['occurrence'], e['code']): e
                for e in self.entries
                if e['target'] == target and e['mode'] == mode}


def load(path=PATH):
    with open(path) as f:
        return Known(json.load(f))


def problems(entries, check_ids, target_names, mode_names):
    """What is wrong with the committed entries: each must name a known
    target and mode, and have exactly one disposition (an equivalence
    reason, or the id of a check that exists)."""
    found = []
    for e in entries:
        where = '%s/%s %s:%s %s' % (e.get('target'), e.get('mode'),
                                    e.get('module'), e.get('line'),
                                    e.get('operator'))
        given = [d for d in DISPOSITIONS if e.get(d)]
        if e.get('target') not in target_names:
            found.append('%s: unknown target' % where)
        if e.get('mode') not in mode_names:
            found.append('%s: unknown mode' % where)
        if len(given) != 1:
            found.append('%s: needs exactly one of %s'
                         % (where, ', '.join(DISPOSITIONS)))
        elif given[0] == 'killed_by' and e['killed_by'] not in check_ids:
            found.append('%s: killed_by names no check (%s)'
                         % (where, e['killed_by']))
    return found

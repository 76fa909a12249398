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

"""Every benchmark case, in the order of the table.

Another piece's cases are one more tuple here (see
:mod:`watcher_conformance.bench.model_builder` for what one is made of).
"""

from watcher_conformance.bench import model_builder
from watcher_conformance.bench import workflow

CASES = model_builder.CASES + workflow.CASES


class UnknownCase(LookupError):
    """A case name that is not in :data:`CASES`."""


def select(names=(), cases=None):
    """The cases named, in the order given, or every case when none is;
    from *cases* (default :data:`CASES`).

    :raises UnknownCase: naming the unknown names and the known ones.
    """
    cases = CASES if cases is None else cases
    if not names:
        return list(cases)
    by_name = {c.name: c for c in cases}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise UnknownCase('unknown case%s %s (known cases: %s)'
                          % ('s' if len(unknown) > 1 else '',
                             ', '.join(map(repr, unknown)),
                             ', '.join(by_name)))
    return [by_name[n] for n in dict.fromkeys(names)]

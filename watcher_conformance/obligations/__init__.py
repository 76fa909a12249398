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

"""The contract's obligations, as data.

Every MUST sentence of the contract is broken into obligations: one
promise each, small enough that one defect breaks one obligation. Each has
an id (``<area>.<topic>.<promise>``, never reused), the area whose checks
judge it, the sentence in RFC 2119 words, the optional feature or policy
value it applies under, and where it comes from (upstream Watcher, the
seeds, a bug it prevents).

Every check names the obligations it covers (``@check(..., covers=...)``);
our tests fail when an obligation has no check. The generated page
``doc/source/obligations.rst`` lists each obligation with its checks.

One module per area holds its obligations (:data:`AREAS`).
"""

import dataclasses
import functools
import importlib
import re

#: The areas, each with a module of this package listing its obligations.
AREAS = ('threadpool', 'model_builder', 'workflow', 'threading_model',
         'conductor')

_ID = re.compile(r'^[a-z_]+(\.[a-z0-9_]+){2,}$')


class ObligationError(Exception):
    """An obligation is malformed, or named but unknown."""


@dataclasses.dataclass(frozen=True)
class Obligation:
    """One promise of the contract.

    :param id: ``<area>.<topic>.<promise>``; never changed nor reused.
    :param text: the promise, one sentence with MUST or MUST NOT.
    :param source: why the contract asks it: upstream code, a seed, a bug.
    :param feature: the optional feature it applies under, if any.
    :param policy: ``name=value``: the declared policy value it applies
        under, if any.
    """

    id: str
    text: str
    source: str = ''
    feature: str | None = None
    policy: str | None = None

    @property
    def area(self):
        return self.id.split('.', 1)[0]

    def as_dict(self):
        return dict(dataclasses.asdict(self), area=self.area)


def must(id, text, source='', feature=None, policy=None):
    """An :class:`Obligation`, validated."""
    if not _ID.match(id):
        raise ObligationError('obligation id %r is not <area>.<topic>.'
                              '<promise> in lower case' % id)
    if not re.search(r'\bMUST\b', text):
        raise ObligationError('obligation %s does not say MUST' % id)
    return Obligation(id, ' '.join(text.split()), source, feature, policy)


@functools.lru_cache(maxsize=None)
def collect():
    """Every obligation, by id, in area order (one dict: do not change it).

    :raises ObligationError: on an id used twice or outside its area.
    """
    found = {}
    for area in AREAS:
        module = importlib.import_module('%s.%s' % (__name__, area))
        for obligation in module.OBLIGATIONS:
            if obligation.area != area:
                raise ObligationError('obligation %s is listed in area %s'
                                      % (obligation.id, area))
            if obligation.id in found:
                raise ObligationError('obligation %s is listed twice'
                                      % obligation.id)
            found[obligation.id] = obligation
    return found

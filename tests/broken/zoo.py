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

"""The consolidated zoo: every broken implementation, by area, and the
implementations that must pass.

One table, read by our tests (``tests/test_broken_implementations.py``)
and by the mutation score (:mod:`tests.broken.score`).
"""

from tests.broken import builders
from tests.broken import conductors
from tests.broken import engines
from tests.broken import threading_model
from tests.broken import threadpools

#: area -> the broken implementations its checks must catch.
ZOOS = {
    'threadpool': threadpools.CASES,
    'model_builder': builders.CASES,
    'workflow': engines.CASES,
    'threading_model': threading_model.CASES,
    'conductor': conductors.CASES,
}

#: Independent implementations (tests/independent/): written from the
#: documentation alone, different from the reference in design, each with
#: the areas whose checks apply to it.
INDEPENDENT = [
    ('tests.independent.threadpool:IMPLEMENTATION', 'threadpool'),
    ('tests.independent.threadpool:IMPLEMENTATION', 'threading_model'),
    ('tests.independent.compute:IMPLEMENTATION', 'model_builder'),
    ('tests.independent.compute:IMPLEMENTATION', 'threading_model'),
    ('tests.independent.engine:IMPLEMENTATION', 'workflow'),
    ('tests.independent.engine:REVERT_IMPLEMENTATION', 'workflow'),
    ('tests.independent.primitives:IMPLEMENTATION', 'threading_model'),
    ('tests.independent.conductor:IMPLEMENTATION', 'conductor'),
]

#: (implementation, area) -> the only modes in which a check of the area
#: applies to it (the threadpool's yielding check exists under eventlet).
ONLY_IN = {
    ('tests.independent.threadpool:IMPLEMENTATION', 'threading_model'):
        ('eventlet',),
}

#: (implementation, area) that must pass every check of the area that
#: applies to it.
CORRECT = [('reference', area) for area in ZOOS] + [
    ('tests.broken.builders:MARKING_REFERENCE', 'model_builder'),
    ('tests.broken.engines:CONTINUING_REFERENCE', 'workflow')] + INDEPENDENT


def defects():
    """Every (area, case)."""
    return [(area, case) for area, cases in ZOOS.items() for case in cases]

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

"""The base of our own tests."""

import oslotest.base

from watcher_conformance import modes

#: Options for running the suite against broken implementations: a correct
#: implementation never comes near these bounds, a broken one fails fast.
FAST = {'wait_timeout': 1.0, 'quiescence_window': 0.1, 'test_timeout': 30.0}


class TestCase(oslotest.base.BaseTestCase):
    """oslotest's base, knowing the mode the process runs in."""

    mode = modes.requested().name

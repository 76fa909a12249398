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

import fixtures
import oslotest.base

from watcher_conformance import modes

#: Options for running the suite against broken implementations: a correct
#: implementation never comes near these bounds, a broken one fails fast.
FAST = {'wait_timeout': 1.0, 'quiescence_window': 0.1, 'test_timeout': 30.0}


class TestCase(oslotest.base.BaseTestCase):
    """oslotest's base, knowing the mode the process runs in."""

    mode = modes.requested().name


class ReferencePool(fixtures.Fixture):
    """The reference's process-wide pool, fresh, with *workers* workers
    (``[watcher_decision_engine] max_general_workers``); forgotten and the
    option restored at cleanup."""

    def __init__(self, workers):
        super().__init__()
        self.workers = workers

    def _setUp(self):
        from reference import conf
        from reference import threadpool
        conf.CONF.set_override('max_general_workers', self.workers,
                               group='watcher_decision_engine')
        self.addCleanup(conf.CONF.clear_override, 'max_general_workers',
                        group='watcher_decision_engine')
        threadpool.DecisionEngineThreadPool.reset()
        self.addCleanup(threadpool.DecisionEngineThreadPool.reset)

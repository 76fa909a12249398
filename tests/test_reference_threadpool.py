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

"""Behaviour of the reference pool beyond what the suite checks."""

import futurist

from reference import conf
from reference import threadpool
from tests import base

Pool = threadpool.DecisionEngineThreadPool


class ReferencePoolTest(base.TestCase):

    def setUp(self):
        super().setUp()
        Pool.reset()
        self.addCleanup(Pool.reset)

    def test_executor_follows_the_mode(self):
        green = isinstance(Pool()._executor, futurist.GreenThreadPoolExecutor)
        self.assertEqual(self.mode == 'eventlet', green)

    def test_worker_count_comes_from_config(self):
        conf.CONF.set_override('max_general_workers', 7,
                               group='watcher_decision_engine')
        self.addCleanup(conf.CONF.clear_override, 'max_general_workers',
                        group='watcher_decision_engine')
        self.assertEqual(7, Pool().amount_workers)
        Pool.reset()
        conf.CONF.set_override('max_general_workers', 3,
                               group='watcher_decision_engine')
        self.assertEqual(3, Pool().amount_workers)

    def test_default_worker_count_is_safe(self):
        self.assertEqual(4, Pool().amount_workers)

    def test_not_a_future_is_refused(self):
        self.assertRaises(TypeError, Pool().do_while_futures, [1],
                          lambda f: None)

    def test_negative_timeout_is_refused(self):
        self.assertRaises(ValueError, Pool().do_while_futures, [],
                          lambda f: None, futures_timeout=-1)

    def test_unfinished_futures_are_returned_on_timeout(self):
        pool = Pool()
        future = futurist.Future() if self.mode == 'threading' else (
            futurist.GreenFuture())
        self.assertEqual({future}, pool.do_while_futures(
            [future], lambda f: None, futures_timeout=0))
        self.assertTrue(future.cancelled())

    def test_shutdown_twice_is_harmless(self):
        pool = Pool()
        pool.shutdown()
        pool.shutdown()
        self.assertRaises(RuntimeError, pool.submit, print)

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

"""Futures of the other concurrency mode are refused, not waited on."""

import concurrent.futures
import warnings

import futurist

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance.tests.threadpool import base


class MixedFuturesTest(base.ThreadPoolTestCase):

    def foreign_future(self):
        """A finished future of the kind this mode's pool does not make."""
        if self.mode == 'eventlet':
            future = concurrent.futures.Future()
        else:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter('ignore', DeprecationWarning)
                    future = futurist.GreenFuture()
            except RuntimeError as exc:  # eventlet is not installed
                self.skipTest('no green futures here: %s' % exc)
        future.set_result('foreign')
        return future

    @catalogue.check(
        'b7976217-43cd-4f5d-bc15-762736f620bd', MUST, """
        do_while_futures given green and native futures together MUST raise
        a clear error (RuntimeError, TypeError or ValueError naming green
        futures) instead of waiting on them.""",
        covers=('threadpool.mixed.refused',))
    def test_mixing_green_and_native_futures_raises(self):
        own = self.submit(lambda: 'own')
        self.wait_done([own])
        foreign = self.foreign_future()
        seen = []
        with self.bounded(base.COPY):
            raised = self.assertRaises(
                (RuntimeError, TypeError, ValueError),
                self.pool.do_while_futures, [own, foreign], seen.append)
        self.assertIn('green', str(raised).lower())

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

"""Failures inside do_while_futures: failed tasks and raising callbacks."""

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance.tests.threadpool import base


class ErrorsTest(base.ThreadPoolTestCase):

    @catalogue.check('8a4203fa-9816-4dbc-85f6-6f91d048bef6', MUST, """
        do_while_futures MUST call back the future of a task that raised,
        with the exception available from future.exception(), and MUST go on
        calling back the other futures.""")
    def test_failed_task_is_called_back_with_its_exception(self):
        error = ValueError('raised by the task')
        failed = self.submit(_raise, error)
        others = self.submit_values(range(self.workers))
        seen = {}
        self.do_while(base.COPY, [failed] + others,
                      lambda f: seen.setdefault(f, f.exception()))
        self.assertIn(failed, seen, 'the failed task was not called back')
        self.assertIs(error, seen[failed])
        self.assertCountEqual([failed] + others, seen)

    @catalogue.check('3da0e89b-3428-43b3-8911-878ffd9f48cd', MUST, """
        An exception raised by the callback MUST propagate out of
        do_while_futures to its caller, not be swallowed.""")
    def test_callback_exception_propagates(self):
        futures = self.submit_values(range(self.workers))
        error = KeyError('raised by the callback')

        def callback(future):
            raise error
        with self.bounded(base.COPY):
            raised = self.assertRaises(KeyError, self.pool.do_while_futures,
                                       futures, callback)
        self.assertIs(error, raised)


def _raise(error):
    raise error

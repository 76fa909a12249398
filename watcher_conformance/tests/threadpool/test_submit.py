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

"""submit: arguments in, result or exception out through the future."""

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance.tests.threadpool import base


class SubmitTest(base.ThreadPoolTestCase):

    @catalogue.check(
        '976fd5d4-b38e-4e52-bfcc-b826876bbda5', MUST, """
        submit(fn, *args, **kwargs) MUST call fn with exactly those positional
        and keyword arguments, and its future MUST carry fn's return value.""",
        covers=('threadpool.submit.arguments', 'threadpool.submit.result'))
    def test_submit_passes_arguments_and_returns_result(self):
        future = self.submit(_echo, 1, 'two', three=3, four=[4])
        self.wait_done([future])
        self.assertEqual(((1, 'two'), {'three': 3, 'four': [4]}),
                         future.result())

    @catalogue.check(
        'f573f153-aaa6-4b9c-b087-474dfb2a0407', MUST, """
        An exception raised by a task MUST be delivered through its future:
        exception() MUST return it and result() MUST raise it.""",
        covers=('threadpool.submit.exception',))
    def test_task_exception_is_delivered_through_future(self):
        error = ValueError('raised by the task')
        future = self.submit(_raise, error)
        self.wait_done([future])
        self.assertIs(error, future.exception())
        self.assertRaises(ValueError, future.result)


def _echo(*args, **kwargs):
    return args, kwargs


def _raise(error):
    raise error
